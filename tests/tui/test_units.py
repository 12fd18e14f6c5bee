"""Table-driven tests of the viewer's pure helpers."""

from __future__ import annotations

import pytest
from rich.color import Color
from rich.style import Style

from faultline_tui.engine.logs import log_from_text
from faultline_tui.engine.models import Diagnosis, Finding, Hit, Pattern, Playbook, Suspect
from faultline_tui.tui.clipboard import system_clipboard_command
from faultline_tui.tui.editor import editor_command
from faultline_tui.tui.hit_index import HitIndex
from faultline_tui.tui.search import SearchQuery, scan
from faultline_tui.tui.sgr import sgr_style
from faultline_tui.tui.widgets.log_view import filter_rows
from faultline_tui.tui.widgets.status_bar import progress_text


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ("1", Style(bold=True)),
        ("31", Style(color=Color.from_ansi(1))),
        ("1;31", Style(bold=True, color=Color.from_ansi(1))),
        ("38;5;208", Style(color=Color.from_ansi(208))),
        ("48;2;10;20;30", Style(bgcolor=Color.from_rgb(10, 20, 30))),
        ("38:5:208", Style(color=Color.from_ansi(208))),
        ("5", Style()),  # blink stays inert
        ("8", Style()),  # so does concealed text
        ("31;0", Style()),  # a reset in the middle clears what came before
        ("x;y", Style()),  # garbage is ignored, not an error
        ("38;5", Style()),  # a truncated extended colour too
    ],
)
def test_sgr_style(params: str, expected: Style) -> None:
    """SGR parameters become the Rich style a terminal would show (or nothing)."""
    assert sgr_style(params) == expected


@pytest.mark.parametrize(
    ("lines", "total", "context", "expected"),
    [
        ([5], 10, 1, [-3, 4, 5, 6, -4]),
        ([1], 3, 1, [1, 2, -1]),
        ([1, 3], 3, 1, [1, 2, 3]),
        ([2, 9], 10, 1, [1, 2, 3, -4, 8, 9, 10]),
        ([5, 5, 6], 10, 0, [-4, 5, 6, -4]),
        ([], 10, 3, []),
    ],
)
def test_filter_rows(lines: list[int], total: int, context: int, expected: list[int]) -> None:
    """The filter keeps hit lines with context; each gap is one row holding minus its size."""
    assert filter_rows(lines, total, context) == expected


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"EDITOR": "vim"}, ["vim", "+12", "/tmp/b.log"]),
        ({"VISUAL": "code --wait", "EDITOR": "vim"}, ["code", "--wait", "+12", "/tmp/b.log"]),
        ({}, ["vi", "+12", "/tmp/b.log"]),
        ({"EDITOR": ""}, ["vi", "+12", "/tmp/b.log"]),
    ],
)
def test_editor_command(env: dict[str, str], expected: list[str]) -> None:
    """$VISUAL wins over $EDITOR, either may carry arguments, vi is the fallback."""
    assert editor_command("/tmp/b.log", 12, env) == expected


def test_clipboard_tool_needs_a_display(monkeypatch: pytest.MonkeyPatch) -> None:
    """X11 and Wayland tools are only used when their display is reachable."""
    monkeypatch.setattr("faultline_tui.tui.clipboard.shutil.which", lambda name: f"/usr/bin/{name}")
    assert system_clipboard_command({}) == ["pbcopy"]
    assert system_clipboard_command({"DISPLAY": ":0"}) == ["xclip", "-selection", "clipboard"]
    assert system_clipboard_command({"WAYLAND_DISPLAY": "wayland-0"}) == ["wl-copy"]
    monkeypatch.setattr("faultline_tui.tui.clipboard.shutil.which", lambda name: None)
    assert system_clipboard_command({"DISPLAY": ":0"}) is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (SearchQuery("error"), {2: ((0, 5),), 3: ((10, 15),)}),
        (SearchQuery("error", case=True), {3: ((10, 15),)}),
        (SearchQuery("a.c"), {4: ((0, 3),)}),  # literal: the dot is a dot
        (SearchQuery("a.c", regex=True), {1: ((0, 3),), 4: ((0, 3),)}),
        (SearchQuery("x*", regex=True), {}),  # empty matches mark nothing
    ],
)
def test_search_scan(query: SearchQuery, expected: dict[int, tuple[tuple[int, int], ...]]) -> None:
    """Search is literal unless regex is on, case-insensitive unless case is on."""
    log = log_from_text("abc\nERROR here\nsomething error\na.c\n")
    log.build_index()
    assert dict(scan(log, query.compile(), 1, log.line_count)) == expected


def test_search_describe() -> None:
    """The status bar names the search and its toggles."""
    assert SearchQuery("x").describe() == "/x/"
    assert SearchQuery("x", regex=True, case=True).describe() == "/x/ (regex, case)"


@pytest.mark.parametrize(
    ("stage", "fraction", "expected"),
    [
        ("indexing", 0.5, "indexing ▕██████░░░░░░▏  50%"),
        ("diagnosing", None, "diagnosing…"),
        ("indexing", 1.5, "indexing ▕████████████▏ 100%"),  # never past full
    ],
)
def test_progress_text(stage: str, fraction: float | None, expected: str) -> None:
    """The progress indicator is a bar and a percentage, or just the stage."""
    assert progress_text(stage, fraction) == expected


def _playbook(pid: str) -> Playbook:
    return Playbook(pid, pid.title(), "build", "high", "s", "d", "f", "v")


def test_hit_index_marks_and_targets() -> None:
    """The selected finding's hits are in front, the others' hits quiet, suspects stand in."""
    pattern = Pattern("boom")
    one = Finding(_playbook("one"), 2.0, 0.8, (Hit(3, 0, 4, pattern, "any"), Hit(7, 2, 6, pattern, "any")))
    two = Finding(_playbook("two"), 1.0, 0.3, (Hit(7, 8, 9, pattern, "any"),))
    diagnosis = Diagnosis("x.log", 10, 100, (one, two), (), (3, 7, 9), 3)
    index = HitIndex(diagnosis)
    assert index.targets(0) == (3, 7) and index.targets(1) == (7,)
    marks = index.marks(0)
    assert marks.hits == {3: ((0, 4),), 7: ((2, 6),)}
    assert marks.quiet == {7: ((8, 9),)}
    assert marks.labels[3] == "one"
    assert marks.errors == frozenset({3, 7, 9})

    suspects = (Suspect(9, "error: x", "error message", 3.0), Suspect(2, "fatal", "fatal", 2.0))
    no_match = HitIndex(Diagnosis("x.log", 10, 100, (), suspects, (2, 9), 9))
    assert not no_match.matched
    assert no_match.targets(0) == (2, 9)
    assert no_match.marks(0).hits == {2: (), 9: ()}
    assert no_match.marks(0).labels[9] == "suspect: error message"
