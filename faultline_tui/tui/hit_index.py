"""Per-line lookups of one diagnosis, built once so rendering never re-runs matching.

The log view asks, for each visible line, "which spans are hits of the selected
finding, which are hits of other findings, is it an error-like line": all of that is
answered here by dictionary look-ups prepared when the diagnosis arrives.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from faultline_tui.engine.models import Diagnosis, Finding

Span = tuple[int, int]


@dataclass(frozen=True)
class Marks:
    """What the log view highlights: a snapshot handed down by the main screen."""

    #: hits of the selected finding (or the suspects): line -> matched column spans;
    #: an empty tuple marks the whole line without emphasising any text
    hits: Mapping[int, tuple[Span, ...]] = field(default_factory=dict)
    #: hits of the other findings, drawn more quietly
    quiet: Mapping[int, tuple[Span, ...]] = field(default_factory=dict)
    #: error-like lines (``e``/``E`` targets), marked in the gutter
    errors: frozenset[int] = frozenset()
    #: the name shown next to the current hit, per hit line
    labels: Mapping[int, str] = field(default_factory=dict)


def _spans_by_line(finding: Finding) -> dict[int, tuple[Span, ...]]:
    spans: dict[int, list[Span]] = {}
    for hit in finding.hits:
        if hit.role == "none":
            continue
        spans.setdefault(hit.line, []).append((hit.start, hit.end))
    return {line: tuple(sorted(set(s))) for line, s in spans.items()}


def _labels_by_line(finding: Finding) -> dict[int, str]:
    labels: dict[int, str] = {}
    for hit in finding.hits:
        if hit.role != "none" and hit.line not in labels:
            labels[hit.line] = finding.id
    return labels


class HitIndex:
    """Line look-ups for every finding of a diagnosis (or its suspects when none)."""

    def __init__(self, diagnosis: Diagnosis) -> None:
        self.diagnosis = diagnosis
        self._spans = [_spans_by_line(f) for f in diagnosis.findings]
        self._labels = [_labels_by_line(f) for f in diagnosis.findings]
        self._errors = frozenset(diagnosis.error_lines)
        self._suspect_lines = tuple(sorted({s.line for s in diagnosis.suspects}))
        self._marks: dict[int, Marks] = {}

    @property
    def matched(self) -> bool:
        """True when at least one playbook matched."""
        return bool(self.diagnosis.findings)

    def targets(self, selected: int) -> tuple[int, ...]:
        """The lines ``n``/``N`` step through: the finding's hit lines, or the suspects."""
        if not self.matched:
            return self._suspect_lines
        return self.diagnosis.findings[selected].hit_lines

    def marks(self, selected: int) -> Marks:
        """The highlights with finding ``selected`` in front and the others quieter."""
        if selected not in self._marks:
            self._marks[selected] = self._build_marks(selected)
        return self._marks[selected]

    def _build_marks(self, selected: int) -> Marks:
        if not self.matched:
            reasons: dict[int, str] = {}
            for s in self.diagnosis.suspects:
                reasons.setdefault(s.line, f"suspect: {s.reason}")
            return Marks(
                hits={line: () for line in self._suspect_lines},
                errors=self._errors,
                labels=reasons,
            )
        quiet: dict[int, tuple[Span, ...]] = {}
        for i, spans in enumerate(self._spans):
            if i == selected:
                continue
            for line, s in spans.items():
                quiet[line] = tuple(sorted(set(quiet.get(line, ()) + s)))
        return Marks(
            hits=self._spans[selected],
            quiet=quiet,
            errors=self._errors,
            labels=self._labels[selected],
        )
