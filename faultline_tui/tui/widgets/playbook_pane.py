"""The playbook pane: the selected finding's playbook as Markdown, scrollable."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Markdown

from faultline_tui.engine.models import Diagnosis


def no_match_markdown(diagnosis: Diagnosis) -> str:
    """What the pane says when no playbook matched: the suspects and what to do next."""
    lines = [
        "## No known failure matched",
        "",
        "None of the loaded playbooks fits this log. The lines most likely to explain",
        "the failure are listed as *suspects*: `n`/`N` step through them, `e`/`E` through",
        "every error-like line.",
        "",
    ]
    for s in diagnosis.suspects:
        text = s.text.strip()[:120].replace("`", "'")
        lines.append(f"- **line {s.line}** ({s.reason}): `{text}`")
    if not diagnosis.suspects:
        lines.append("No error-like line was found either.")
    lines += [
        "",
        "If this failure comes back, write a playbook for it (see `faultline-tui playbooks`).",
    ]
    return "\n".join(lines)


class PlaybookPane(VerticalScroll, can_focus=True):
    """Summary, diagnosis, fix steps and validation of one playbook."""

    def compose(self) -> ComposeResult:
        yield Markdown("", id="playbook-markdown")

    def on_mount(self) -> None:
        self.border_title = "Playbook"

    def show(self, title: str, markdown: str) -> None:
        """Replace the content and scroll back to its top."""
        self.border_title = Content(title)
        self.query_one(Markdown).update(markdown)
        self.scroll_home(animate=False)
