"""Command palette (``ctrl+p``) entries: jump to any finding, run any viewer action."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

if TYPE_CHECKING:
    from faultline_tui.tui.screens.main_screen import MainScreen

#: (name, help, action name on the main screen)
ACTIONS: list[tuple[str, str, str]] = [
    ("Next hit", "n: next hit of the selected finding", "next_hit"),
    ("Previous hit", "N: previous hit of the selected finding", "previous_hit"),
    ("Next error line", "e: next error-like line", "next_error"),
    ("Previous error line", "E: previous error-like line", "previous_error"),
    ("Next finding", "]: select the next finding", "next_finding"),
    ("Previous finding", "[: select the previous finding", "previous_finding"),
    ("Go to line", ":: jump to a line number", "goto_line"),
    ("Search", "/: search the log", "search"),
    ("Toggle filter", "f: only hit lines with context", "toggle_filter"),
    ("Toggle wrap", "w: wrap long lines", "toggle_wrap"),
    ("Copy fix command", "c: copy a fix command of the selected finding", "copy_fix"),
    ("Copy current line", "y: copy the log line under the cursor", "copy_line"),
    ("Open in editor", "o: open $EDITOR at the current line", "open_editor"),
]


class FaultlineCommands(Provider):
    """Findings first (``Go to finding: …``), then the actions of the main screen."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        screen: MainScreen = self.screen  # type: ignore[assignment]
        commands: list[tuple[str, str, Callable[[], object]]] = []
        diagnosis = getattr(screen, "diagnosis", None)
        if diagnosis is not None:
            for i, finding in enumerate(diagnosis.findings):
                commands.append(
                    (
                        f"Go to finding: {finding.playbook.title}",
                        f"{finding.id} · {round(finding.confidence * 100)}% · {len(finding.hit_lines)} hit lines",
                        partial(screen.select_finding, i),
                    )
                )
        for name, help_text, action in ACTIONS:
            commands.append((name, help_text, partial(screen.app.run_action, action, screen)))
        commands.append(("Help: keys", "?: every key of the viewer", partial(screen.app.run_action, "help")))
        return commands

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(Content(name), callback, text=name, help=escape(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, text=name, help=escape(help_text))
