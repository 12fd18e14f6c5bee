"""``c`` with several fix commands: pick the one to copy."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from faultline_tui.engine.models import Command


def command_prompt(command: Command) -> Content:
    """The command's label, then its text as it will be copied."""
    return Content.from_markup("[b $accent]$label[/]\n$text", label=command.label, text=command.text)


class CommandPicker(ModalScreen[Command | None]):
    """A list of commands; Enter copies the highlighted one, Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, title: str, commands: list[Command]) -> None:
        super().__init__()
        self._title = title
        self._commands = commands

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-body"):
            yield Static("Enter copies the command · Esc cancels", id="picker-hint")
            yield OptionList(
                *(Option(command_prompt(c), id=f"command-{i}") for i, c in enumerate(self._commands)),
                id="picker-options",
            )

    def on_mount(self) -> None:
        self.query_one("#picker-body").border_title = Content(f"Copy a fix command · {self._title}")
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self._commands[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
