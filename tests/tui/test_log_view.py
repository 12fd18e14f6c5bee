"""The log view renders only what is visible, and nothing raw reaches the terminal."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult

from faultline_tui.engine.logs import log_from_text, open_log
from faultline_tui.tui.app import STYLES
from faultline_tui.tui.hit_index import Marks
from faultline_tui.tui.widgets.log_view import LogView


class LogViewApp(App[None]):
    """Just a log view (with the viewer's styles), to test it alone."""

    CSS_PATH = str(STYLES / "main.tcss")

    def compose(self) -> ComposeResult:
        yield LogView()


class CountingLog:
    """A log whose lines are made up on demand, counting what was read."""

    def __init__(self, lines: int) -> None:
        self.line_count = lines
        self.read: set[int] = set()

    def styled_line(self, n: int) -> tuple[str, list[tuple[int, int, str]]]:
        self.read.add(n)
        return f"line number {n}", []


async def test_only_visible_lines_are_read() -> None:
    """Showing and scrolling a huge log reads only the lines on screen."""
    app = LogViewApp()
    async with app.run_test(size=(80, 20)) as pilot:
        view = app.query_one(LogView)
        log = CountingLog(5_000_000)
        view.set_log(log)
        await pilot.pause()
        assert max(log.read) <= 20
        view.move_cursor(4_000_000)
        await pilot.pause()
        assert len(log.read) < 60
        assert all(n <= 20 or abs(n - 4_000_000) <= 20 for n in log.read)


async def test_escape_sequences_never_reach_the_terminal() -> None:
    """SGR colours become styles; cursor moves, OSC titles and bells are dropped."""
    text = "\x1b[1;31mred\x1b[0m plain \x1b]0;title\x07 \x1b[2J\x1b[10;10H moved \x07bell \x1b\nsecond\tline\n"
    app = LogViewApp()
    async with app.run_test(size=(80, 10)) as pilot:
        view = app.query_one(LogView)
        log = log_from_text(text)
        log.build_index()
        view.set_log(log)
        await pilot.pause()
        first = view.render_line(0)
        rendered = "".join(segment.text for segment in first)
        assert "\x1b" not in rendered and "\x07" not in rendered
        assert "red plain" in rendered and "moved" in rendered
        red = next(s for s in first if s.text == "red")
        assert red.style is not None and red.style.bold and red.style.color is not None
        assert "second  line" in view.render_line(1).text  # tabs expanded


async def test_hits_are_emphasised(tmp_path: Path) -> None:
    """A hit span is drawn in the match style; the rest of the line is not."""
    path = tmp_path / "x.log"
    path.write_text("before\nsome boom here\nafter\n")
    app = LogViewApp()
    async with app.run_test(size=(80, 10)) as pilot:
        view = app.query_one(LogView)
        log = open_log(str(path))
        log.build_index()
        view.set_log(log)
        view.set_marks(Marks(hits={2: ((5, 9),)}, labels={2: "demo"}))
        await pilot.pause()
        match_style = view.get_component_rich_style("log-view--match")
        row = view.render_line(1)
        boom = next(s for s in row if s.text == "boom")
        assert boom.style is not None and boom.style.bgcolor == match_style.bgcolor
        assert "●" in row.text  # gutter marker on a hit line
        view.move_cursor(2)
        await pilot.pause()
        assert "▶" in view.render_line(1).text and "◀ demo" in view.render_line(1).text
