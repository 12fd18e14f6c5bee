"""The findings pane: ranked findings, or the suspects when no playbook matched."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from faultline_tui.engine.models import Diagnosis, Finding, Suspect

NO_MATCH_NOTE = "No known failure matched; e/E step through error lines. Suspects:"
GUESS_NOTE = "No failure signature matched. Guesses:"

_SEVERITY_STYLE = {"critical": "$error", "high": "$error", "medium": "$warning", "low": "$success"}


def finding_prompt(rank: int, finding: Finding) -> Content:
    """Two lines: confidence and title; then id, severity and hit count."""
    hits = len(finding.hit_lines)
    severity = finding.playbook.severity or "?"
    sev_style = _SEVERITY_STYLE.get(severity, "$foreground")
    return Content.from_markup(
        f"[b]$rank. $title[/b]\n   [$accent]$confidence[/] · [{sev_style}]$severity[/] · $hits · [dim]$id[/]",
        rank=str(rank),
        title=finding.playbook.title,
        confidence=f"{round(finding.confidence * 100)}%" + (" guess" if finding.basis == "context" else ""),
        id=finding.id,
        severity=severity,
        hits=f"{hits} hit line{'s' if hits != 1 else ''}",
    )


def suspect_prompt(suspect: Suspect) -> Content:
    """The line number and reason, then the line itself (shortened)."""
    text = suspect.text.strip()
    if len(text) > 200:
        text = text[:199] + "…"
    return Content.from_markup(
        "[b]line $line[/b] [dim]$reason[/]\n   $text",
        line=str(suspect.line),
        reason=suspect.reason,
        text=text,
    )


class FindingsList(Vertical):
    """Shows a diagnosis; highlighting an entry asks the screen to select it."""

    class FindingSelected(Message):
        """The user chose finding number ``index`` (0 is the best ranked)."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class SuspectSelected(Message):
        """The user chose the suspect on log line ``line``."""

        def __init__(self, line: int) -> None:
            super().__init__()
            self.line = line

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._diagnosis: Diagnosis | None = None
        self._suspect_lines: list[int] = []

    def compose(self) -> ComposeResult:
        yield Static("Diagnosing…", id="findings-note")
        yield OptionList(id="findings-options")

    def on_mount(self) -> None:
        self.border_title = "Findings"

    @property
    def option_list(self) -> OptionList:
        return self.query_one("#findings-options", OptionList)

    def show_diagnosis(self, diagnosis: Diagnosis) -> None:
        """Replace the entries with ``diagnosis``'s findings (or suspects)."""
        self._diagnosis = diagnosis
        note = self.query_one("#findings-note", Static)
        options = self.option_list
        if diagnosis.findings:
            guesses = diagnosis.findings[0].basis == "context"
            note.update(GUESS_NOTE)
            note.display = guesses
            options.set_options(
                Option(finding_prompt(i + 1, f), id=f"finding-{i}") for i, f in enumerate(diagnosis.findings)
            )
            self.border_title = f"{'Guesses' if guesses else 'Findings'} ({len(diagnosis.findings)})"
        else:
            note.update(NO_MATCH_NOTE if diagnosis.suspects else NO_MATCH_NOTE.replace(" Suspects:", ""))
            note.display = True
            self._suspect_lines = [s.line for s in diagnosis.suspects]
            options.set_options(Option(suspect_prompt(s), id=f"suspect-{i}") for i, s in enumerate(diagnosis.suspects))
            self.border_title = "No match"

    def highlight(self, index: int) -> None:
        """Move the highlight to entry ``index`` without announcing it again."""
        options = self.option_list
        if options.highlighted != index and 0 <= index < options.option_count:
            with options.prevent(OptionList.OptionHighlighted):
                options.highlighted = index

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._announce(event.option_index)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._announce(event.option_index)

    def _announce(self, index: int) -> None:
        if self._diagnosis is None:
            return
        if self._diagnosis.findings:
            self.post_message(self.FindingSelected(index))
        elif 0 <= index < len(self._suspect_lines):
            self.post_message(self.SuspectSelected(self._suspect_lines[index]))
