"""Start-up: bad input, huge logs, and agreement with ``analyze --json``."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from faultline_tui.engine.diagnosis import diagnose
from faultline_tui.engine.logs import open_log
from faultline_tui.engine.matching import PARALLEL_MIN_BYTES
from faultline_tui.engine.playbooks import load_catalog
from faultline_tui.tui.app import FaultlineApp
from faultline_tui.tui.loader import LogLoader
from faultline_tui.tui.screens.error_screen import ErrorScreen
from faultline_tui.tui.widgets.log_view import LogView
from faultline_tui.tui.widgets.status_bar import StatusBar
from tests.tui.conftest import wait_ready

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def screen_text(app: FaultlineApp) -> str:
    """The log rows and the status bar as plain text."""
    view = app.main_screen.query_one(LogView)
    rows = [view.render_line(y).text for y in range(view.scrollable_content_region.height)]
    return "\n".join([*rows, str(app.main_screen.query_one(StatusBar).render())])


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.log", None, "no such file"),
        ("binary.log", b"\x7fELF\x00\x00\x00\x01" * 500, "binary"),
        ("broken.log.gz", b"\x1f\x8b not really gzip", "not a valid gzip file"),
    ],
    ids=["missing", "binary", "corrupt-gzip"],
)
async def test_bad_input_shows_a_message_and_exits_2(
    tmp_path: Path, make_app: Callable, name: str, content: bytes | None, message: str
) -> None:
    """Missing, binary or corrupt input: one clear message, then exit status 2."""
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    app = make_app(str(path))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        assert isinstance(app.screen, ErrorScreen)
        shown = str(app.screen.query_one("#error-message").render())
        assert message in shown and "Traceback" not in shown
        await pilot.press("enter")
        await pilot.pause()
    assert app.return_code == 2


async def test_directory_is_bad_input(tmp_path: Path, make_app: Callable) -> None:
    """A directory is refused with a message rather than a traceback."""
    app = make_app(str(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        assert isinstance(app.screen, ErrorScreen)
        assert "directory" in str(app.screen.query_one("#error-message").render())


async def test_compressed_log_opens(tmp_path: Path, make_app: Callable) -> None:
    """A .gz log shows its decompressed lines under its name without .gz."""
    path = tmp_path / "ci.log.gz"
    path.write_bytes(gzip.compress("".join(f"line {i}\n" for i in range(1, 101)).encode()))
    app = make_app(str(path))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        view = app.main_screen.query_one(LogView)
        assert view.line_count == 100
        assert view.border_title == "ci.log"


def test_loader_shows_the_head_before_indexing(tmp_path: Path) -> None:
    """The loader hands over the first lines before the index and the diagnosis."""
    path = tmp_path / "head.log"
    path.write_text("".join(f"\x1b[1mearly\x1b[0m line {i}\n" for i in range(1, 51)))
    posted: list[object] = []
    LogLoader(str(path), [], posted.append, lambda: False).run()
    kinds = [type(m).__name__ for m in posted]
    assert kinds.index("Previewed") < kinds.index("Indexed") < kinds.index("Diagnosed")
    preview = next(m for m in posted if isinstance(m, LogLoader.Previewed)).preview
    assert preview.line_count == 50
    assert preview.styled_line(3) == ("early line 3", [(0, 5, "1")])


async def test_million_line_log(tmp_path: Path, make_app: Callable) -> None:
    """A log of one million lines opens, shows its first screen, and n moves the cursor.

    At over 100 MB it also takes the engine's multi-process scan, which must work
    inside a running app.
    """
    path = tmp_path / "huge.log"
    # 100,000 distinct lines of 110 bytes, written five times on each side of the failure
    filler = "".join(
        f"{i:06d} compiling module {i % 997:03d} of the huge project; nothing to see here {'.' * 40}\n"
        for i in range(100_000)
    )
    with open(path, "w") as f:
        f.write(filler * 5)
        f.write("ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE.\n")
        f.write("    requests==2.32.3 from https://files.example/requests-2.32.3.whl:\n")
        f.write(filler * 5)
        f.write("npm ERR! code E401\n")
        f.write("    urllib3==2.2.3 from https://files.example/urllib3-2.2.3.whl:\n")
    assert path.stat().st_size >= PARALLEL_MIN_BYTES
    app = make_app(str(path))
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_ready(pilot)
        view = app.main_screen.query_one(LogView)
        assert view.line_count == 1_000_004
        assert "1,000,004 lines" in screen_text(app)
        diagnosis = app.main_screen.diagnosis
        assert diagnosis is not None, "the diagnosis failed"
        hits = diagnosis.findings[0].hit_lines
        assert diagnosis.findings[0].id == "demo-hash-mismatch"
        assert view.cursor_line == diagnosis.focus_line in hits
        before = view.cursor_line
        await pilot.press("n")
        assert view.cursor_line != before
        assert view.cursor_line in hits
        await pilot.press("G")
        assert view.cursor_line == 1_000_004
        await pilot.press("g")
        assert view.cursor_line == 1
        assert "000000 compiling module 000 of the huge project" in screen_text(app)


@pytest.mark.real_catalog
@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.log")))
async def test_opens_at_the_focus_line_of_analyze_json(example: str, make_app: Callable) -> None:
    """With the bundled catalog the viewer opens every example at analyze --json's focus_line."""
    path = EXAMPLES / example
    result = subprocess.run(
        [sys.executable, "-m", "faultline_tui", "analyze", "--json", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    focus = json.loads(result.stdout)["focus_line"]
    expected = diagnose(open_log(str(path)), load_catalog())
    app = make_app(str(path))
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_ready(pilot)
        screen = app.main_screen
        assert screen.log_view.cursor_line == focus == expected.focus_line
        if expected.findings:
            assert screen.selected == 0
            assert screen.diagnosis.findings[0].id == expected.findings[0].id
