"""Searching the log's display text: literal by default, optionally regex / case-sensitive.

Pure functions so the scan can run in a thread worker and be tested without a screen.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from faultline_tui.tui.hit_index import Span


class LineSource(Protocol):
    """The part of ``LogFile`` a search needs."""

    def display_line(self, n: int) -> str: ...


@dataclass(frozen=True)
class SearchQuery:
    """What the user typed in the search bar, with its two toggles."""

    text: str
    regex: bool = False
    case: bool = False

    def compile(self) -> re.Pattern[str]:
        """The compiled pattern; raises ``re.error`` for an invalid regex."""
        source = self.text if self.regex else re.escape(self.text)
        return re.compile(source, 0 if self.case else re.IGNORECASE)

    def describe(self) -> str:
        """A short label for the status bar, e.g. ``/timeout/ (regex, case)``."""
        flags = [name for name, on in (("regex", self.regex), ("case", self.case)) if on]
        return f"/{self.text}/" + (f" ({', '.join(flags)})" if flags else "")


def scan(
    log: LineSource,
    pattern: re.Pattern[str],
    first: int,
    last: int,
    should_stop: Callable[[], bool] = lambda: False,
) -> Iterator[tuple[int, tuple[Span, ...]]]:
    """Yield ``(line, spans)`` for every line in ``first..last`` the pattern matches.

    Empty matches (a regex like ``x*``) are skipped: they would mark every line.
    """
    for n in range(first, last + 1):
        if n % 4096 == 0 and should_stop():
            return
        text = log.display_line(n)
        spans = tuple((m.start(), m.end()) for m in pattern.finditer(text) if m.end() > m.start())
        if spans:
            yield n, spans
