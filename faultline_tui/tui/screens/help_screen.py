"""``?``: every key of the viewer on one screen."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS: list[tuple[str, str]] = [
    ("n / N", "next / previous hit of the selected finding (or search match while a search is active)"),
    ("e / E", "next / previous error-like line"),
    ("] / [", "next / previous finding (jumps to its first hit)"),
    ("tab", "move between the log, the findings and the playbook"),
    ("j / k, ↑ / ↓", "move the cursor one line"),
    ("PgUp / PgDn", "move one screen"),
    ("g / G", "first / last line"),
    ("h / l, ← / →", "scroll long lines sideways (0: back to column 1)"),
    (":", "go to line"),
    ("/", "search (literal; ctrl+r regex, ctrl+t case); Esc returns to hits"),
    ("f", "filter: only hit lines with a few lines of context (toggle)"),
    ("w", "wrap long lines (toggle)"),
    ("c", "copy a fix command of the selected finding"),
    ("y", "copy the current log line"),
    ("o", "open $EDITOR at the current line"),
    ("ctrl+p", "command palette: jump to any finding, run any action"),
    ("?", "this help"),
    ("q", "quit"),
]


def help_content() -> Content:
    """The key table: keys in a column of their own, then what they do."""
    width = max(len(key) for key, _ in KEYS) + 2
    lines = [
        Content.assemble(Content.styled(key, "bold $accent"), " " * (width - len(key)), what) for key, what in KEYS
    ]
    footer = Content("\nThe mouse works too: click a finding to select it, click a log line to move the cursor there.")
    return Content("\n").join([*lines, footer])


class HelpScreen(ModalScreen[None]):
    """The key reference; any of Esc, ``?`` or ``q`` closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss", "Close", show=True),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(help_content(), id="help-keys")

    def on_mount(self) -> None:
        self.query_one("#help-body").border_title = "Help · Esc closes"

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
