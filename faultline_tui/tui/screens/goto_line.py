"""``:``: ask for a line number."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.validation import Integer
from textual.widgets import Input, Static


class GotoLineScreen(ModalScreen[int | None]):
    """A one-field dialog; returns the line number, or ``None`` when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, line_count: int, current: int) -> None:
        super().__init__()
        self._line_count = line_count
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="goto-body"):
            yield Static(f"Go to line (1–{self._line_count:,}), now at {self._current:,}")
            yield Input(
                placeholder="line number",
                type="integer",
                validators=[Integer(minimum=1, maximum=max(1, self._line_count))],
                id="goto-input",
            )

    def on_mount(self) -> None:
        self.query_one("#goto-body").border_title = "Go to line"
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.validation_result is not None and not event.validation_result.is_valid:
            self.notify(f"Enter a line number from 1 to {self._line_count:,}", severity="warning")
            return
        self.dismiss(int(event.value))

    def action_cancel(self) -> None:
        self.dismiss(None)
