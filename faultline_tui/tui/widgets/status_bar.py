"""The status bar: file, size, cursor, position among hits, modes, progress."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget


def progress_text(stage: str, fraction: float | None, width: int = 12) -> str:
    """``indexing ▕██████░░░░░░▏ 50%`` (or just the stage when the amount is unknown)."""
    if fraction is None:
        return f"{stage}…"
    fraction = max(0.0, min(1.0, fraction))
    filled = round(fraction * width)
    return f"{stage} ▕{'█' * filled}{'░' * (width - filled)}▏ {round(fraction * 100):>3}%"


class StatusBar(Widget):
    """One line under the panes; the main screen sets its attributes."""

    DEFAULT_CSS = """
    StatusBar {
        height: 1;
    }
    """

    file_name: reactive[str] = reactive("")
    total_lines: reactive[int | None] = reactive(None)
    line: reactive[int] = reactive(0)
    position: reactive[str] = reactive("")
    modes: reactive[str] = reactive("")
    progress: reactive[str] = reactive("")

    def render(self) -> Content:
        parts: list[Content] = [Content.from_markup("[b]$name[/b]", name=self.file_name or "…")]
        if self.total_lines is not None:
            parts.append(Content(f"{self.total_lines:,} lines"))
            if self.line:
                parts.append(Content(f"line {self.line:,}"))
        if self.position:
            parts.append(Content.from_markup("[b]$pos[/b]", pos=self.position))
        if self.modes:
            parts.append(Content.from_markup("[$accent]$modes[/]", modes=self.modes))
        if self.progress:
            parts.append(Content.from_markup("[$warning]$p[/]", p=self.progress))
        return Content(" ").join([Content(""), Content(" │ ").join(parts)])
