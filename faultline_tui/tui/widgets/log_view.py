"""The log pane: a virtualized view of the whole log (Textual's Line API).

Only the lines on screen are ever read from the log: ``render_line`` maps a screen row
to a log line, renders that one line (colour spans, hits, search matches) into a
``Strip`` kept in an LRU cache, and crops it to the viewport. Nothing here scales
with the size of the log except the optional filter, whose rows are the hit lines and
their context.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from typing import ClassVar, Protocol

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from faultline_tui.tui.hit_index import Marks, Span
from faultline_tui.tui.sgr import sgr_style

TAB_SIZE = 8
#: lines of context kept around each hit line when the filter is on
FILTER_CONTEXT = 3

# Control characters left in a display line (a lone ESC, C1 controls) would reach the
# terminal; each becomes one visible replacement character so column spans still fit.
_CONTROL_TABLE = {c: "\ufffd" for c in [*range(0x00, 0x09), *range(0x0A, 0x20), *range(0x7F, 0xA0)]}


class LogSource(Protocol):
    """The part of the engine's ``LogFile`` the view reads."""

    @property
    def line_count(self) -> int: ...

    def styled_line(self, n: int) -> tuple[str, list[tuple[int, int, str]]]: ...


def filter_rows(lines: Iterable[int], total: int, context: int = FILTER_CONTEXT) -> list[int]:
    """The rows of the filtered view: each line of ``lines`` with ``context`` lines
    around it, in order; a gap becomes one separator row holding minus its size.
    """
    rows: list[int] = []
    last = 0  # last line emitted
    for line in sorted(set(lines)):
        start = max(1, line - context, last + 1)
        end = min(total, line + context)
        if start > end:
            continue
        if start > last + 1:
            rows.append(-(start - last - 1))
        rows.extend(range(start, end + 1))
        last = end
    if rows and last < total:
        rows.append(-(total - last))
    return rows


class LogView(ScrollView, can_focus=True):
    """Every line of the log with a line-number gutter, hits and search matches."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "log-view--gutter",
        "log-view--gutter-cursor",
        "log-view--gutter-marker",
        "log-view--gutter-quiet",
        "log-view--gutter-error",
        "log-view--cursor",
        "log-view--hit-line",
        "log-view--match",
        "log-view--current-hit",
        "log-view--hit-label",
        "log-view--quiet-hit",
        "log-view--search",
        "log-view--separator",
        "log-view--placeholder",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False),
        Binding("pagedown,ctrl+f,space", "page_down", "Page down", show=False),
        Binding("g,home", "first_line", "Top", show=False),
        Binding("G,end", "last_line", "Bottom", show=False),
        Binding("left,h", "scroll_left", "Scroll left", show=False),
        Binding("right,l", "scroll_right", "Scroll right", show=False),
        Binding("0", "scroll_home_x", "Line start", show=False),
    ]

    DEFAULT_CSS = """
    LogView {
        background: $surface;
        color: $foreground;
    }
    """

    class CursorMoved(Message):
        """The cursor moved to another log line."""

        def __init__(self, line: int) -> None:
            super().__init__()
            self.line = line

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._log: LogSource | None = None
        self._line_count = 0
        self._cursor = 0
        self._marks = Marks()
        self._search: Mapping[int, tuple[Span, ...]] = {}
        self._wrap = False
        self._rows: list[int] | None = None
        self._row_lines: list[int] = []  # filtered: real lines, ascending
        self._row_index: list[int] = []  # filtered: row of each line in _row_lines
        self._cache: LRUCache[int, Strip] = LRUCache(2048)
        self._max_width = 0
        self._wrap_tail = 0
        # after a jump the cursor line stays centred when the layout changes (the
        # narrow/wide switch, a pane resized), until the user moves or clicks
        self._keep_centered = False
        self.placeholder = ""

    # -- state handed down by the screen ------------------------------------------
    @property
    def cursor_line(self) -> int:
        """The log line under the cursor (1-based; 0 while no log is shown)."""
        return self._cursor

    @property
    def line_count(self) -> int:
        return self._line_count

    @property
    def wrap(self) -> bool:
        return self._wrap

    @wrap.setter
    def wrap(self, value: bool) -> None:
        self._wrap = value
        self._relayout()
        self._scroll_to_cursor(center=True, force=self._keep_centered)

    @property
    def filtered(self) -> bool:
        return self._rows is not None

    def set_log(self, log: LogSource, *, keep_position: bool = False) -> None:
        """Show ``log`` (its index must be built) with the cursor on line 1.

        ``keep_position`` keeps the cursor and scroll offset, for when the complete log
        replaces a preview of its first lines.
        """
        self._log = log
        self._line_count = log.line_count
        if not keep_position or not 1 <= self._cursor <= self._line_count:
            self._cursor = 1 if self._line_count else 0
            self.scroll_to(0, 0, animate=False)
        self._cache.clear()
        self._max_width = 0
        self._rows = None
        self._relayout()
        self.post_message(self.CursorMoved(self._cursor))

    def set_marks(self, marks: Marks) -> None:
        """Replace the highlights (selected finding, other findings, error lines)."""
        self._marks = marks
        self._cache.clear()
        self.refresh()

    def set_search(self, spans: Mapping[int, tuple[Span, ...]]) -> None:
        """Replace the search-match spans (empty when no search is active)."""
        self._search = spans
        self._cache.clear()
        self.refresh()

    def set_filter(self, lines: Sequence[int] | None) -> None:
        """Show only ``lines`` (ascending) and their context, or every line when ``None``."""
        if lines is None:
            self._rows = None
            self._row_lines, self._row_index = [], []
        else:
            self._rows = filter_rows(lines, self._line_count)
            pairs = [(line, row) for row, line in enumerate(self._rows) if line > 0]
            self._row_lines = [line for line, _ in pairs]
            self._row_index = [row for _, row in pairs]
            if lines and not self.is_visible_line(self._cursor):
                # keep the cursor on a shown line: the nearest one at or after it
                i = bisect.bisect_left(lines, self._cursor)
                self._cursor = lines[min(i, len(lines) - 1)]
                self.post_message(self.CursorMoved(self._cursor))
        self._relayout()
        self._scroll_to_cursor(center=True)

    def is_visible_line(self, line: int) -> bool:
        """True when ``line`` is shown (always, unless the filter hides it)."""
        if self._rows is None:
            return 1 <= line <= self._line_count
        i = bisect.bisect_left(self._row_lines, line)
        return i < len(self._row_lines) and self._row_lines[i] == line

    def move_cursor(self, line: int, *, span: Span | None = None, center: bool = True) -> None:
        """Put the cursor on ``line`` and scroll it (and ``span``, if given) into view."""
        if not self._line_count:
            return
        line = max(1, min(line, self._line_count))
        changed = line != self._cursor
        self._cursor = line
        self._keep_centered = center
        self._scroll_to_cursor(center=center, span=span)
        self.refresh()
        if changed:
            self.post_message(self.CursorMoved(line))

    # -- rows ------------------------------------------------------------------------
    @property
    def row_count(self) -> int:
        return self._line_count if self._rows is None else len(self._rows)

    def _row_line(self, row: int) -> int:
        """Log line shown on ``row`` (negative: a separator for that many lines)."""
        return row + 1 if self._rows is None else self._rows[row]

    def _line_row(self, line: int) -> int:
        """Row of ``line``, or of the nearest shown line after it."""
        if self._rows is None:
            return line - 1
        i = min(bisect.bisect_left(self._row_lines, line), len(self._row_lines) - 1)
        return self._row_index[i] if self._row_index else 0

    @property
    def gutter_width(self) -> int:
        return len(str(max(self._line_count, 1))) + 2

    @property
    def _content_width(self) -> int:
        return max(1, self.scrollable_content_region.width - self.gutter_width)

    def _relayout(self) -> None:
        """Recompute the virtual size after the log, filter, wrap or size changed."""
        height = self.scrollable_content_region.height
        if self._wrap:
            self._wrap_tail = self._tail_top(height)
            virtual = Size(self.scrollable_content_region.width, self._wrap_tail + height)
        else:
            virtual = Size(self.gutter_width + self._max_width + 1, self.row_count)
        self.virtual_size = virtual
        self.refresh()

    def _tail_top(self, height: int) -> int:
        """With wrapping, the first row such that the rows below it fill the screen."""
        used = 0
        row = self.row_count
        while row > 0 and used < height:
            row -= 1
            used += self._wrapped_height(self._row_line(row))
        return row if used >= height else 0

    def _wrapped_height(self, line: int) -> int:
        if line <= 0:
            return 1
        width = self._content_width
        return max(1, -(-self._line_strip(line).cell_length // width))

    def _wrap_layout(self) -> list[tuple[int, int]]:
        """With wrapping: ``(line, piece)`` for each screen row, from the top row down."""
        height = self.scrollable_content_region.height
        rows: list[tuple[int, int]] = []
        row = int(self.scroll_offset.y)
        while len(rows) < height and row < self.row_count:
            line = self._row_line(row)
            rows.extend((line, piece) for piece in range(self._wrapped_height(line)))
            row += 1
        return rows[:height]

    def _scroll_to_cursor(self, *, center: bool, span: Span | None = None, force: bool = False) -> None:
        """Scroll so the cursor line is on screen: mid-screen when ``center`` and it is
        off screen (or always, with ``force``), else at the nearest edge.
        """
        height = self.scrollable_content_region.height
        if not self._cursor or height <= 0:
            return
        row = self._line_row(self._cursor)
        top = int(self.scroll_offset.y)
        if self._wrap:
            visible = {line for line, _ in self._wrap_layout()}
            if self._cursor in visible and row >= top and not force:
                return
            if row < top and not center:
                self.scroll_to(y=row, animate=False)
                return
            # walk back from the cursor so it lands mid-screen (or at the bottom)
            budget = height // 2 if center else height - self._wrapped_height(self._cursor)
            new_top = row
            while new_top > 0 and budget > 0:
                budget -= self._wrapped_height(self._row_line(new_top - 1))
                if budget >= 0:
                    new_top -= 1
            self.scroll_to(y=min(new_top, self._wrap_tail), animate=False)
            return
        y: int | None = None
        if force or not top <= row < top + height:
            y = row - height // 2 if center else (row if row < top else row - height + 1)
        x: int | None = None
        if span is not None:
            # the line may not have been drawn yet: measure it so the view is wide enough
            self._line_strip(self._cursor)
            self._grow_width()
            start, end = span
            left = int(self.scroll_offset.x)
            width = self._content_width
            # the start of the match (and a little of it) must be in view; beyond that
            # keep the start of the line, so timestamps and context stay readable
            head = start + min(end - start, 20)
            if start < left or head > left + width:
                x = 0 if head <= width else max(0, start - width // 4)
        elif center and y is not None and not force:
            x = 0  # a jump shows the line from its start; a re-layout keeps the column
        if x is not None or y is not None:
            self.scroll_to(x=x, y=y, animate=False, force=True)

    def on_resize(self, event: events.Resize) -> None:
        self._relayout()
        # a layout change (narrow/wide, a pane resized) must not lose the cursor
        self._scroll_to_cursor(center=True, force=self._keep_centered)

    def notify_style_update(self) -> None:
        # highlight colours come from component classes: a theme change re-renders
        super().notify_style_update()
        self._cache.clear()

    # -- rendering -----------------------------------------------------------------
    def _line_strip(self, line: int) -> Strip:
        """One log line fully styled (colours, hits, search), uncropped; cached."""
        cached = self._cache.get(line)
        if cached is not None:
            return cached
        assert self._log is not None
        display, sgr_spans = self._log.styled_line(line)
        text = Text(display.translate(_CONTROL_TABLE), no_wrap=True, end="")
        for start, end, params in sgr_spans:
            text.stylize(sgr_style(params), start, end)
        # Match and search styles are complete (their background blended over the
        # pane's); the quiet style is partial so it keeps the line's own background.
        quiet = self._marks.quiet.get(line)
        if quiet:
            style = self.get_component_rich_style("log-view--quiet-hit", partial=True)
            for start, end in quiet:
                text.stylize(style, start, end)
        hits = self._marks.hits.get(line)
        if hits:
            style = self.get_component_rich_style("log-view--match")
            for start, end in hits:
                text.stylize(style, start, end)
        found = self._search.get(line)
        if found:
            style = self.get_component_rich_style("log-view--search")
            for start, end in found:
                text.stylize(style, start, end)
        if "\t" in display:
            text.expand_tabs(TAB_SIZE)
        strip = Strip(text.render(self.app.console), text.cell_len)
        self._cache[line] = strip
        if strip.cell_length > self._max_width:
            self._max_width = strip.cell_length
            if not self._wrap:
                self.call_later(self._grow_width)
        return strip

    def _grow_width(self) -> None:
        if not self._wrap and self.virtual_size.width < self.gutter_width + self._max_width + 1:
            self.virtual_size = Size(self.gutter_width + self._max_width + 1, self.row_count)

    def _gutter(self, line: int, first_piece: bool) -> Strip:
        width = self.gutter_width
        if line <= 0:
            return Strip.blank(width, self.get_component_rich_style("log-view--separator"))
        is_cursor = line == self._cursor
        number_style = self.get_component_rich_style("log-view--gutter-cursor" if is_cursor else "log-view--gutter")
        marker, marker_style = " ", number_style
        if line in self._marks.hits:
            marker = "▶" if is_cursor else "●"
            marker_style = self.get_component_rich_style("log-view--gutter-marker")
        elif line in self._marks.quiet:
            marker, marker_style = "◦", self.get_component_rich_style("log-view--gutter-quiet")
        elif line in self._marks.errors:
            marker, marker_style = "•", self.get_component_rich_style("log-view--gutter-error")
        number = str(line).rjust(width - 2) if first_piece else "↪".rjust(width - 2)
        if not first_piece:
            marker = " "
        return Strip([Segment(marker, marker_style), Segment(number + " ", number_style)], width)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if self._log is None or not self._line_count:
            if y == 0 and self.placeholder:
                style = self.get_component_rich_style("log-view--placeholder")
                return Strip([Segment(self.placeholder, style)]).crop_extend(0, width, base)
            return Strip.blank(width, base)
        if self._wrap:
            layout = self._wrap_layout()
            if y >= len(layout):
                return Strip.blank(width, base)
            line, piece = layout[y]
        else:
            row = int(self.scroll_offset.y) + y
            if row >= self.row_count:
                return Strip.blank(width, base)
            line, piece = self._row_line(row), 0
        content_width = self._content_width
        if line <= 0:
            return self._separator(-line, width)
        strip = self._line_strip(line)
        line_style = self._line_style(line)
        start = piece * content_width if self._wrap else int(self.scroll_offset.x)
        content = strip.crop_extend(start, start + content_width, None)
        if line_style is not None:
            content = content.apply_style(line_style)
        if line == self._cursor and line in self._marks.labels and piece == 0:
            content = self._with_label(content, strip.cell_length - start, self._marks.labels[line])
        row_strip = Strip.join([self._gutter(line, piece == 0), content])
        return row_strip.apply_style(base)

    def _line_style(self, line: int) -> Style | None:
        if line == self._cursor:
            name = "log-view--current-hit" if line in self._marks.hits else "log-view--cursor"
            return self.get_component_rich_style(name)
        if line in self._marks.hits:
            return self.get_component_rich_style("log-view--hit-line")
        return None

    def _with_label(self, content: Strip, text_end: int, label: str) -> Strip:
        """Show the current hit's name right-aligned, where it hides no log text.

        When the line is too long for that, the name is only in the pane's subtitle
        (set by the screen): covering the matched text would defeat the highlight.
        """
        label = f" ◀ {label} "
        width = content.cell_length
        cut = width - len(label)
        if text_end + 1 > cut:
            return content
        style = self.get_component_rich_style("log-view--hit-label")
        return Strip.join([content.crop(0, cut), Strip([Segment(label, style)])])

    def _separator(self, hidden: int, width: int) -> Strip:
        style = self.get_component_rich_style("log-view--separator")
        text = f"{'⋯'.rjust(self.gutter_width - 1)}  {hidden:,} line{'s' if hidden != 1 else ''} hidden"
        return Strip([Segment(text, style)]).crop_extend(0, width, style)

    # -- input -----------------------------------------------------------------------
    def _step(self, delta: int) -> None:
        """Move the cursor ``delta`` shown lines (separators are skipped)."""
        if not self._line_count:
            return
        if self._rows is None:
            self.move_cursor(self._cursor + delta, center=False)
            return
        i = bisect.bisect_left(self._row_lines, self._cursor)
        i = max(0, min(len(self._row_lines) - 1, i + delta))
        self.move_cursor(self._row_lines[i], center=False)

    def action_cursor_up(self) -> None:
        self._step(-1)

    def action_cursor_down(self) -> None:
        self._step(1)

    def action_page_up(self) -> None:
        self._step(-max(1, self.scrollable_content_region.height - 1))

    def action_page_down(self) -> None:
        self._step(max(1, self.scrollable_content_region.height - 1))

    def action_first_line(self) -> None:
        self._step(-self.row_count)

    def action_last_line(self) -> None:
        self._step(self.row_count)

    def action_scroll_left(self) -> None:
        if not self._wrap:
            self.scroll_to(x=max(0, self.scroll_offset.x - 8), animate=False)

    def action_scroll_right(self) -> None:
        if not self._wrap:
            self.scroll_to(x=self.scroll_offset.x + 8, animate=False)

    def action_scroll_home_x(self) -> None:
        self.scroll_to(x=0, animate=False)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or not self._line_count:
            return
        if self._wrap:
            layout = self._wrap_layout()
            line = layout[offset.y][0] if offset.y < len(layout) else 0
        else:
            row = int(self.scroll_offset.y) + offset.y
            line = self._row_line(row) if row < self.row_count else 0
        if line > 0:
            self.move_cursor(line, center=False)
