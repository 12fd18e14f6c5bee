"""The main screen: log, findings, playbook and status; it owns the selection state.

Everything the user sees derives from a handful of attributes here (the selected
finding, the active search, the filter and wrap toggles); widgets get them handed down
and report user actions back as messages.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import get_current_worker

from faultline_tui.engine.commands import fix_commands, playbook_markdown
from faultline_tui.engine.models import Command, Diagnosis
from faultline_tui.tui.hit_index import HitIndex, Span
from faultline_tui.tui.palette import FaultlineCommands
from faultline_tui.tui.screens.command_picker import CommandPicker
from faultline_tui.tui.screens.goto_line import GotoLineScreen
from faultline_tui.tui.search import SearchQuery, scan
from faultline_tui.tui.widgets.findings_list import FindingsList
from faultline_tui.tui.widgets.log_view import LogView
from faultline_tui.tui.widgets.playbook_pane import PlaybookPane, no_match_markdown
from faultline_tui.tui.widgets.search_bar import SearchBar
from faultline_tui.tui.widgets.status_bar import StatusBar, progress_text

if TYPE_CHECKING:
    from faultline_tui.engine.logs import LogFile
    from faultline_tui.tui.app import FaultlineApp
    from faultline_tui.tui.preview import LogPreview

_HIT = Binding.Group("hit")
_ERROR = Binding.Group("error")
_FINDING = Binding.Group("finding")

#: search results are handed to the screen in batches of this many lines
_SEARCH_BATCH = 2000
#: logs up to this many lines are searched on the spot rather than in a worker
_INLINE_SEARCH_LINES = 20_000


class MainScreen(Screen[None]):
    """Log pane, findings pane, playbook pane, search bar, status bar and footer."""

    COMMANDS: ClassVar = {FaultlineCommands}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next_hit", "hit", group=_HIT),
        Binding("N", "previous_hit", "hit", group=_HIT),
        Binding("e", "next_error", "error", group=_ERROR),
        Binding("E", "previous_error", "error", group=_ERROR),
        Binding("right_square_bracket", "next_finding", "finding", group=_FINDING),
        Binding("left_square_bracket", "previous_finding", "finding", group=_FINDING),
        Binding("slash", "search", "search"),
        Binding("f", "toggle_filter", "filter"),
        Binding("c", "copy_fix", "copy fix"),
        Binding("y", "copy_line", "copy line", show=False),
        Binding("o", "open_editor", "editor", show=False),
        Binding("colon", "goto_line", "go to line", show=False),
        Binding("w", "toggle_wrap", "wrap", show=False),
        Binding("escape", "clear_search", "back to hits", show=False),
    ]

    def __init__(self, file_name: str) -> None:
        super().__init__()
        self.file_name = file_name
        self.log_file: LogFile | None = None
        self.diagnosis: Diagnosis | None = None
        self.hit_index: HitIndex | None = None
        self.selected = 0
        self.search_query: SearchQuery | None = None
        self.search_lines: list[int] = []
        self.search_spans: dict[int, tuple[Span, ...]] = {}
        self.search_done = True
        self.filter_on = False
        self._shown: int | None = None  # finding whose marks and playbook are shown
        self._search_jumped = False
        self._search_origin = 0

    class SearchResults(Message):
        """A batch of search matches from the search worker (``done`` on the last)."""

        def __init__(self, query: SearchQuery, batch: dict[int, tuple[Span, ...]], done: bool) -> None:
            super().__init__()
            self.query = query
            self.batch = batch
            self.done = done

    @property
    def faultline_app(self) -> FaultlineApp:
        return self.app  # type: ignore[return-value]

    # -- layout ----------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Container(id="body"):
            yield LogView(id="log")
            with Container(id="side"):
                yield FindingsList(id="findings")
                yield PlaybookPane(id="playbook")
        yield SearchBar(id="search")
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.log_view.placeholder = f"Reading {self.file_name}…"
        self.log_view.border_title = Content(self.file_name)
        self.status.file_name = self.file_name
        self.query_one(SearchBar).display = False
        self.log_view.focus()

    @property
    def log_view(self) -> LogView:
        return self.query_one(LogView)

    @property
    def status(self) -> StatusBar:
        return self.query_one(StatusBar)

    # -- data handed down by the app -------------------------------------------------
    def show_progress(self, stage: str, fraction: float | None) -> None:
        """Show what the loader is doing (the status bar's progress field)."""
        self.status.progress = progress_text(stage, fraction)

    def show_preview(self, preview: LogPreview) -> None:
        """Show the first lines of the log while it is being indexed."""
        if self.log_file is None:
            self.log_view.set_log(preview)

    def show_log(self, log: LogFile) -> None:
        """The log is indexed: show all of it while diagnosis goes on."""
        self.log_file = log
        self.log_view.set_log(log, keep_position=True)
        self.status.total_lines = log.line_count
        self._update_status()

    def show_diagnosis(self, diagnosis: Diagnosis) -> None:
        """Show the findings, select the top one and open the log at the focus line."""
        self.diagnosis = diagnosis
        self.hit_index = HitIndex(diagnosis)
        self.status.progress = ""
        self.query_one(FindingsList).show_diagnosis(diagnosis)
        if diagnosis.findings:
            self.select_finding(0, jump=False)
        else:
            self.log_view.set_marks(self.hit_index.marks(0))
            self.query_one(PlaybookPane).show("Suspects", no_match_markdown(diagnosis))
        if diagnosis.focus_line:
            self._jump(diagnosis.focus_line, self._first_span(diagnosis.focus_line))
        self._update_status()

    # -- selection -------------------------------------------------------------------
    def select_finding(self, index: int, *, jump: bool = True) -> None:
        """Make finding ``index`` the selected one: marks, playbook, list, first hit."""
        if self.diagnosis is None or self.hit_index is None or not self.diagnosis.findings:
            return
        index %= len(self.diagnosis.findings)
        self.selected = index
        finding = self.diagnosis.findings[index]
        if index != self._shown:
            self._shown = index
            self.log_view.set_marks(self.hit_index.marks(index))
            self.query_one(PlaybookPane).show(f"Playbook · {finding.id}", playbook_markdown(finding))
            self.query_one(FindingsList).highlight(index)
            if self.filter_on:
                self._apply_filter()
        if jump and finding.hit_lines:
            line = finding.hit_lines[0]
            self._jump(line, self._first_span(line))
        self._update_status()

    def _first_span(self, line: int) -> Span | None:
        if self.hit_index is None:
            return None
        spans = self.hit_index.marks(self.selected).hits.get(line)
        return spans[0] if spans else None

    @property
    def targets(self) -> Sequence[int]:
        """What ``n``/``N`` step through right now: search matches, else hits/suspects."""
        if self.search_query is not None:
            return self.search_lines
        if self.hit_index is None:
            return ()
        return self.hit_index.targets(self.selected)

    def _jump(self, line: int, span: Span | None = None) -> None:
        view = self.log_view
        if view.filtered and not view.is_visible_line(line):
            self.filter_on = False
            view.set_filter(None)
            self.notify(f"Filter off: line {line:,} is outside it", timeout=3)
        view.move_cursor(line, span=span, center=True)
        self._update_status()

    def _step(self, lines: Sequence[int], forward: bool, what: str) -> None:
        """Move to the next/previous entry of ``lines`` from the cursor, wrapping."""
        if not lines:
            self.notify(f"No {what}s", timeout=3)
            return
        cursor = self.log_view.cursor_line
        if forward:
            i = bisect.bisect_right(lines, cursor)
            wrapped = i >= len(lines)
            target = lines[0 if wrapped else i]
            note = f"Wrapped to the first {what}"
        else:
            i = bisect.bisect_left(lines, cursor) - 1
            wrapped = i < 0
            target = lines[-1 if wrapped else i]
            note = f"Wrapped to the last {what}"
        if (wrapped and len(lines) > 1) or (wrapped and target != cursor):
            self.notify(note, timeout=3)
        span = None
        if self.search_query is not None and what == "match":
            found = self.search_spans.get(target)
            span = found[0] if found else None
        elif what in ("hit", "suspect"):
            span = self._first_span(target)
        self._jump(target, span)

    @property
    def target_name(self) -> str:
        if self.search_query is not None:
            return "match"
        if self.hit_index is not None and not self.hit_index.matched:
            return "suspect"
        return "hit"

    # -- status ----------------------------------------------------------------------
    @on(LogView.CursorMoved)
    def _cursor_moved(self, event: LogView.CursorMoved) -> None:
        self._update_status()

    def _update_status(self) -> None:
        status = self.status
        view = self.log_view
        status.line = view.cursor_line
        position = ""
        if self.diagnosis is not None or self.search_query is not None:
            lines = self.targets
            name = self.target_name
            i = bisect.bisect_left(lines, view.cursor_line)
            on_target = i < len(lines) and lines[i] == view.cursor_line
            total = f"{len(lines)}" + ("" if self.search_done else "+")
            position = f"{name} {i + 1 if on_target else '–'}/{total}"
            if self.search_query is None and self.diagnosis is not None and self.diagnosis.findings:
                position += f" · {self.diagnosis.findings[self.selected].id}"
            elif self.search_query is not None:
                position += f" · {self.search_query.describe()}"
        status.position = position
        label = self._current_hit_label()
        view.border_subtitle = Content(f"▶ {label}") if label else ""
        modes = [m for m, on_ in (("filter", self.filter_on), ("wrap", view.wrap)) if on_]
        status.modes = " ".join(modes)

    def _current_hit_label(self) -> str:
        """``demo-id · hit 2/3`` when the cursor is on a hit (or suspect), else empty."""
        if self.hit_index is None or self.search_query is not None:
            return ""
        lines = self.hit_index.targets(self.selected)
        line = self.log_view.cursor_line
        i = bisect.bisect_left(lines, line)
        if i >= len(lines) or lines[i] != line:
            return ""
        label = self.hit_index.marks(self.selected).labels.get(line, "")
        return f"{label} · {self.target_name} {i + 1}/{len(lines)}"

    # -- actions ---------------------------------------------------------------------
    def action_next_hit(self) -> None:
        """``n``: next hit of the selected finding (or search match), wrapping."""
        self._step(self.targets, True, self.target_name)

    def action_previous_hit(self) -> None:
        """``N``: previous hit of the selected finding (or search match), wrapping."""
        self._step(self.targets, False, self.target_name)

    def action_next_error(self) -> None:
        """``e``: next error-like line."""
        if self.diagnosis is None:
            self.notify("Still diagnosing…", timeout=2)
            return
        self._step(self.diagnosis.error_lines, True, "error line")

    def action_previous_error(self) -> None:
        """``E``: previous error-like line."""
        if self.diagnosis is None:
            self.notify("Still diagnosing…", timeout=2)
            return
        self._step(self.diagnosis.error_lines, False, "error line")

    def action_next_finding(self) -> None:
        """``]``: select the next finding (or suspect)."""
        self._cycle_finding(1)

    def action_previous_finding(self) -> None:
        """``[``: select the previous finding (or suspect)."""
        self._cycle_finding(-1)

    def _cycle_finding(self, delta: int) -> None:
        if self.diagnosis is None:
            self.notify("Still diagnosing…", timeout=2)
            return
        if self.diagnosis.findings:
            self.select_finding(self.selected + delta)
            return
        # no match: the suspects stand in for the findings
        suspects = self.diagnosis.suspects
        if not suspects:
            self.notify("No findings and no suspects", timeout=3)
            return
        lines = [s.line for s in suspects]
        try:
            i = (lines.index(self.log_view.cursor_line) + delta) % len(lines)
        except ValueError:
            i = 0 if delta > 0 else len(lines) - 1
        self.query_one(FindingsList).highlight(i)
        self._jump(lines[i])

    def action_goto_line(self) -> None:
        """``:``: ask for a line number and go there."""
        if self.log_file is None:
            return

        def go(line: int | None) -> None:
            if line is not None:
                self._jump(line)
                self.log_view.focus()

        self.app.push_screen(GotoLineScreen(self.log_view.line_count, self.log_view.cursor_line), go)

    def action_search(self) -> None:
        """``/``: open the search bar."""
        if self.log_file is None:
            return
        self.query_one(SearchBar).open(self.search_query)

    def action_toggle_filter(self) -> None:
        """``f``: show only hit lines (or search matches) with context, or everything."""
        if self.log_file is None:
            return
        if self.filter_on:
            self.filter_on = False
            self.log_view.set_filter(None)
        elif not self.targets:
            self.notify(f"No {self.target_name}s to filter on", timeout=3)
            return
        else:
            self.filter_on = True
            self._apply_filter()
        self._update_status()

    def _apply_filter(self) -> None:
        lines = self.targets
        self.log_view.set_filter(lines if lines else None)
        if not lines:
            self.filter_on = False

    def action_toggle_wrap(self) -> None:
        """``w``: wrap long lines, or scroll them sideways."""
        self.log_view.wrap = not self.log_view.wrap
        self._update_status()

    def action_copy_fix(self) -> None:
        """``c``: copy the selected finding's fix command (a picker when several)."""
        if self.diagnosis is None or not self.diagnosis.findings:
            self.notify("No finding selected: there is no fix command to copy", timeout=3)
            return
        finding = self.diagnosis.findings[self.selected]
        commands = fix_commands(finding)
        if not commands:
            self.notify(f"{finding.id} has no fix command", timeout=3, markup=False)
        elif len(commands) == 1:
            self.faultline_app.copy_text(commands[0].text, commands[0].label)
        else:

            def copy(command: Command | None) -> None:
                if command is not None:
                    self.faultline_app.copy_text(command.text, command.label)

            self.app.push_screen(CommandPicker(finding.id, commands), copy)

    def action_copy_line(self) -> None:
        """``y``: copy the current log line."""
        if self.log_file is None or not self.log_view.cursor_line:
            return
        line = self.log_view.cursor_line
        self.faultline_app.copy_text(self.log_file.display_line(line), f"line {line}")

    def action_open_editor(self) -> None:
        """``o``: open ``$EDITOR`` at the current line."""
        if self.log_file is None or not self.log_view.cursor_line:
            return
        self.faultline_app.open_in_editor(self.log_file, self.log_view.cursor_line)

    def action_clear_search(self) -> None:
        """``Esc``: end the search and step through hits again."""
        if self.search_query is None:
            return
        self.workers.cancel_group(self, "search")
        self.search_query = None
        self.search_lines, self.search_spans, self.search_done = [], {}, True
        self.log_view.set_search({})
        if self.filter_on:
            self._apply_filter()
        self._update_status()

    # -- findings list and search bar ------------------------------------------------
    @on(FindingsList.FindingSelected)
    def _finding_chosen(self, event: FindingsList.FindingSelected) -> None:
        if event.index != self.selected:
            self.select_finding(event.index)

    @on(FindingsList.SuspectSelected)
    def _suspect_chosen(self, event: FindingsList.SuspectSelected) -> None:
        self._jump(event.line)

    @on(SearchBar.Cancelled)
    def _search_cancelled(self) -> None:
        self.query_one(SearchBar).close()
        self.log_view.focus()

    @on(SearchBar.Submitted)
    def _search_submitted(self, event: SearchBar.Submitted) -> None:
        self.query_one(SearchBar).close()
        self.log_view.focus()
        self.start_search(event.query)

    def start_search(self, query: SearchQuery) -> None:
        """Search the whole log; results arrive in batches from a worker on big logs."""
        if self.log_file is None:
            return
        self.workers.cancel_group(self, "search")
        self.search_query = query
        self.search_lines, self.search_spans, self.search_done = [], {}, False
        self._search_origin = self.log_view.cursor_line
        self._search_jumped = False
        self.log_view.set_search({})
        log = self.log_file
        if log.line_count <= _INLINE_SEARCH_LINES:
            # a small log is searched at once: no worker round trip, no flicker
            found = dict(scan(log, query.compile(), 1, log.line_count))
            self._search_results(self.SearchResults(query, found, True))
            return
        self._update_status()
        self._search_worker(log, query, query.compile())

    @work(thread=True, exclusive=True, group="search")
    def _search_worker(self, log: LogFile, query: SearchQuery, pattern: re.Pattern[str]) -> None:
        worker = get_current_worker()
        batch: dict[int, tuple[Span, ...]] = {}
        for line, spans in scan(log, pattern, 1, log.line_count, lambda: worker.is_cancelled):
            batch[line] = spans
            if len(batch) >= _SEARCH_BATCH:
                self.post_message(self.SearchResults(query, batch, False))
                batch = {}
        if not worker.is_cancelled:
            self.post_message(self.SearchResults(query, batch, True))

    @on(SearchResults)
    def _search_results(self, event: SearchResults) -> None:
        if event.query != self.search_query:
            return  # a stale batch of a search that was replaced or cleared
        self.search_spans.update(event.batch)
        self.search_lines.extend(sorted(event.batch))
        self.search_done = event.done
        self.log_view.set_search(self.search_spans)
        if self.filter_on and (event.done or len(self.search_lines) == len(event.batch)):
            # refiltering costs a pass over every match: on the first and last batch only
            self._apply_filter()
        if not self._search_jumped and self.search_lines:
            # like less: go to the first match at or after where the search started
            i = bisect.bisect_left(self.search_lines, self._search_origin)
            if i < len(self.search_lines) or event.done:
                self._search_jumped = True
                line = self.search_lines[i % len(self.search_lines)]
                self._jump(line, self.search_spans[line][0])
        if event.done and not self.search_lines:
            self.notify(f"No match for {event.query.describe()}", timeout=3, markup=False)
        self._update_status()
