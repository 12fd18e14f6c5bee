"""A fatal error (the log cannot be read): said plainly, then the app ends."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class ErrorScreen(ModalScreen[None]):
    """Shows one error message; Enter, Esc or ``q`` dismisses it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,escape,q", "close", "Quit"),
    ]

    def __init__(self, message: str) -> None:
        super().__init__()
        self._message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="error-body"):
            yield Static(self._message, id="error-message", markup=False)
            yield Static("Press Enter to quit.", id="error-hint")

    def on_mount(self) -> None:
        self.query_one("#error-body").border_title = "Cannot open the log"

    def action_close(self) -> None:
        self.dismiss(None)
