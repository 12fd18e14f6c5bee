"""Snapshot tests: the main states of the viewer at a fixed terminal size.

Regenerate after a deliberate UI change with
``pytest tests/tui/test_snapshots.py --snapshot-update`` and review the SVGs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

import pytest
from textual.pilot import Pilot

from faultline_tui.engine.models import Diagnosis
from faultline_tui.tui import loader
from faultline_tui.tui.app import build_app
from tests.tui.conftest import wait_ready

SIZE = (120, 36)


@pytest.fixture(autouse=True)
def pinned_confidence(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pin the confidences shown: these snapshots check the viewer, and tuning the
    engine's scoring must not change them (the hits and lines stay the engine's own).
    """
    real = loader.diagnose

    def diagnose(*args: object, **kwargs: object) -> Diagnosis:
        diagnosis = real(*args, **kwargs)  # type: ignore[arg-type]
        findings = tuple(replace(f, confidence=0.9 - 0.3 * i) for i, f in enumerate(diagnosis.findings))
        return replace(diagnosis, findings=findings)

    monkeypatch.setattr(loader, "diagnose", diagnose)


def ready_then(*keys: str) -> Callable[[Pilot], Awaitable[None]]:
    """Wait for the diagnosis, press ``keys``, and drop toasts (they time out anyway)."""

    async def run_before(pilot: Pilot) -> None:
        await wait_ready(pilot)
        if keys:
            await pilot.press(*keys)
            await wait_ready(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    return run_before


def test_main_screen(snap_compare, demo_log: str) -> None:
    """Matched log: top finding selected, cursor on the focus line, playbook shown."""
    assert snap_compare(build_app(demo_log, []), terminal_size=SIZE, run_before=ready_then())


def test_second_finding(snap_compare, demo_log: str) -> None:
    """] selects the second finding: its hit in front, the first finding's hits quieter."""
    assert snap_compare(build_app(demo_log, []), terminal_size=SIZE, run_before=ready_then("right_square_bracket"))


def test_no_match_screen(snap_compare, nomatch_log: str) -> None:
    """No finding: the pane says so plainly and lists the suspects."""
    assert snap_compare(build_app(nomatch_log, []), terminal_size=SIZE, run_before=ready_then())


def test_command_picker(snap_compare, demo_log: str) -> None:
    """c with several fix commands opens the picker."""
    assert snap_compare(build_app(demo_log, []), terminal_size=SIZE, run_before=ready_then("c"))


def test_filter(snap_compare, demo_log: str) -> None:
    """f: only hit lines and their context, gaps shown as separators."""
    assert snap_compare(build_app(demo_log, []), terminal_size=SIZE, run_before=ready_then("f"))


def test_search(snap_compare, demo_log: str) -> None:
    """A search highlights its matches and the status bar counts them."""
    keys = ("g", "slash", *"hashes", "enter")
    assert snap_compare(build_app(demo_log, []), terminal_size=SIZE, run_before=ready_then(*keys))


def test_wrap(snap_compare, demo_log: str) -> None:
    """w wraps the long line instead of cutting it."""
    keys = ("w", "colon", "1", "3", "enter")
    assert snap_compare(build_app(demo_log, []), terminal_size=SIZE, run_before=ready_then(*keys))


def test_help_screen(snap_compare, demo_log: str) -> None:
    """? lists every key."""
    assert snap_compare(build_app(demo_log, []), terminal_size=SIZE, run_before=ready_then("question_mark"))


def test_narrow_layout(snap_compare, demo_log: str) -> None:
    """Below 120 columns the panes stack; 80x24 stays usable."""
    assert snap_compare(build_app(demo_log, []), terminal_size=(80, 24), run_before=ready_then())


def test_bad_input(snap_compare) -> None:
    """A missing file gives a plain message, not a traceback."""
    app = build_app("no-such-build.log", [])
    assert snap_compare(app, terminal_size=(80, 24), run_before=ready_then())
