"""The first lines of a log, read directly so they show while the engine indexes it.

Indexing a large log takes a moment (about 1.5 s for 100 MB); the viewer must show the
log at once, so the loader first reads the head of a plain file here. Compressed input
and standard input have no cheap head and show no preview.
"""

from __future__ import annotations

from faultline_tui.engine.logs import styled_text

_COMPRESSED = (b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00")


class LogPreview:
    """Up to ``max_lines`` first lines of ``path``; same reading methods as ``LogFile``."""

    def __init__(self, lines: list[str]) -> None:
        self._lines = lines

    @classmethod
    def read(cls, path: str, max_lines: int = 400, max_bytes: int = 256 << 10) -> LogPreview | None:
        """The head of a plain text file, or ``None`` when there is nothing to preview."""
        if path == "-":
            return None
        try:
            with open(path, "rb") as f:
                data = f.read(max_bytes)
        except OSError:
            return None  # the loader reports the real error
        if not data or data.startswith(_COMPRESSED) or b"\x00" in data:
            return None
        parts = data.split(b"\n")
        if len(data) == max_bytes or data.endswith(b"\n"):
            parts.pop()  # a cut-off or empty last line
        lines = [p.rstrip(b"\r").decode("utf-8", "replace") for p in parts[:max_lines]]
        return cls(lines) if lines else None

    @property
    def line_count(self) -> int:
        return len(self._lines)

    def styled_line(self, n: int) -> tuple[str, list[tuple[int, int, str]]]:
        return styled_text(self._lines[n - 1])
