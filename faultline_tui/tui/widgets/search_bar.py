"""The search bar opened by ``/``: a text field with regex and case toggles."""

from __future__ import annotations

import re
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Checkbox, Input, Label

from faultline_tui.tui.search import SearchQuery


class SearchBar(Horizontal):
    """Asks for a search; posts ``Submitted`` or ``Cancelled`` and never searches itself."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel search", show=False),
        Binding("ctrl+r", "toggle_regex", "Regex", key_display="^r"),
        Binding("ctrl+t", "toggle_case", "Case", key_display="^t"),
    ]

    class Submitted(Message):
        """The user asked to search for ``query``."""

        def __init__(self, query: SearchQuery) -> None:
            super().__init__()
            self.query = query

    class Cancelled(Message):
        """The user closed the bar without searching."""

    def compose(self) -> ComposeResult:
        yield Label("/", id="search-prompt")
        yield Input(placeholder="search text (literal)", id="search-input")
        yield Checkbox("regex", id="search-regex")
        yield Checkbox("case", id="search-case")

    def open(self, query: SearchQuery | None) -> None:
        """Show the bar, prefilled with the previous query, and focus the text field."""
        field = self.query_one(Input)
        if query is not None:
            field.value = query.text
            self.query_one("#search-regex", Checkbox).value = query.regex
            self.query_one("#search-case", Checkbox).value = query.case
        field.remove_class("-invalid")
        self.display = True
        field.focus()
        field.select_all()

    def close(self) -> None:
        self.display = False

    @property
    def current_query(self) -> SearchQuery:
        return SearchQuery(
            self.query_one(Input).value,
            regex=self.query_one("#search-regex", Checkbox).value,
            case=self.query_one("#search-case", Checkbox).value,
        )

    def action_toggle_regex(self) -> None:
        box = self.query_one("#search-regex", Checkbox)
        box.value = not box.value

    def action_toggle_case(self) -> None:
        box = self.query_one("#search-case", Checkbox)
        box.value = not box.value

    def action_cancel(self) -> None:
        self.post_message(self.Cancelled())

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        field = self.query_one(Input)
        field.placeholder = "search text (regex)" if self.current_query.regex else "search text (literal)"
        field.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        query = self.current_query
        if not query.text:
            self.post_message(self.Cancelled())
            return
        try:
            query.compile()
        except re.error as e:
            field = self.query_one(Input)
            field.add_class("-invalid")
            self.notify(f"Invalid regular expression: {e}", severity="error", markup=False)
            return
        self.post_message(self.Submitted(query))
