"""Frozen data types shared by the engine, the command line and the viewer.

One name per concept: a *hit* is one occurrence of one pattern on one line, a
*finding* is one matched playbook with its hits, a *diagnosis* is the ranked findings
(plus suspects) of one log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

PatternKind = Literal["literal", "regex"]
Role = Literal["any", "all", "partial", "none", "context"]


@dataclass(frozen=True)
class Pattern:
    """One pattern of a playbook: a case-insensitive literal or a regular expression.

    ``text`` is the literal as written (matched lower-cased, whitespace collapsed) or
    the regex source.
    """

    text: str
    kind: PatternKind = "literal"
    #: for a regex: literals one of which every match contains (the pre-filter keys)
    anchors: tuple[str, ...] = field(default=(), compare=False)

    @property
    def label(self) -> str:
        """How the pattern is shown to people (regexes get a ``re:`` prefix)."""
        return self.text if self.kind == "literal" else f"re:{self.text}"


@dataclass(frozen=True)
class PartialGroup:
    """A ``match.partial`` group: at least ``minimum`` of ``patterns`` must hit."""

    id: str
    label: str
    minimum: int
    patterns: tuple[Pattern, ...]


@dataclass(frozen=True)
class Playbook:
    """One known failure, as loaded from ``<id>.yaml``."""

    id: str
    title: str
    category: str
    severity: str
    summary: str
    diagnosis: str
    fix: str
    validation: str
    base_score: float = 0.0
    tags: tuple[str, ...] = ()
    stage_hints: tuple[str, ...] = ()
    why_it_matters: str = ""
    match_any: tuple[Pattern, ...] = ()
    match_all: tuple[Pattern, ...] = ()
    match_none: tuple[Pattern, ...] = ()
    match_partial: tuple[PartialGroup, ...] = ()
    #: situation, not failure: the tool or step the failure involves (``match.context``).
    #: Context hits add a little to a finding; alone they make a low-confidence finding
    #: only when no playbook matched on failure signals.
    match_context: tuple[Pattern, ...] = ()
    #: ``line`` (default) or ``step``: with ``step`` every ``all`` pattern and at least
    #: one ``any`` pattern (when there are any) must hit inside one and the same step.
    scope: str = "line"
    likely_files: tuple[str, ...] = ()
    local_repro: tuple[str, ...] = ()
    verify: tuple[str, ...] = ()
    extends: str | None = None
    source: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def satisfied_by(self, matched: set[Pattern] | frozenset[Pattern]) -> bool:
        """Whether hits of ``matched`` satisfy every section this playbook defines.

        ``any`` needs one hit, ``all`` every pattern, each ``partial`` group its minimum
        (``none`` vetoes are applied by the diagnosis, not here).
        """
        if self.match_any and matched.isdisjoint(self.match_any):
            return False
        if self.match_all and not matched.issuperset(self.match_all):
            return False
        for g in self.match_partial:
            if len(matched.intersection(g.patterns)) < g.minimum:
                return False
        return bool(self.match_any or self.match_all or self.match_partial)

    def patterns(self) -> list[tuple[Role, Pattern]]:
        """Every pattern with the role it plays, in file order."""
        out: list[tuple[Role, Pattern]] = [("any", p) for p in self.match_any]
        out += [("all", p) for p in self.match_all]
        out += [("partial", p) for g in self.match_partial for p in g.patterns]
        out += [("none", p) for p in self.match_none]
        out += [("context", p) for p in self.match_context]
        return out


@dataclass(frozen=True)
class Hit:
    """One occurrence of one pattern.

    ``line`` is the 1-based physical line of the input file (``grep -n``); ``start`` and
    ``end`` are the column span of the matched text in the *display text* of that line
    (the line with terminal escape sequences removed, see ``LogFile.display_line``).
    ``groups`` holds the named groups a regex captured.
    """

    line: int
    start: int
    end: int
    pattern: Pattern
    role: Role
    groups: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Finding:
    """A playbook whose match rules are satisfied by the log, with its hits."""

    playbook: Playbook
    score: float
    confidence: float
    hits: tuple[Hit, ...]
    #: the values of the named regex groups captured by the hits, first value wins
    captures: tuple[tuple[str, str], ...] = ()
    #: ``signal`` (failure patterns matched) or ``context`` (only context patterns did)
    basis: str = "signal"

    @property
    def id(self) -> str:
        return self.playbook.id

    @property
    def hit_lines(self) -> tuple[int, ...]:
        """Distinct hit lines, ascending (what ``n``/``N`` step through)."""
        return tuple(sorted({h.line for h in self.hits}))

    @property
    def evidence(self) -> tuple[Hit, ...]:
        """The best hits to show: the first hit of each pattern, in line order."""
        seen: dict[Pattern, Hit] = {}
        for h in self.hits:
            if h.role not in ("none", "context") and h.pattern not in seen:
                seen[h.pattern] = h
        if not seen:  # a context finding: its context hits are the evidence
            for h in self.hits:
                seen.setdefault(h.pattern, h)
        return tuple(sorted(seen.values(), key=lambda h: (h.line, h.start)))


@dataclass(frozen=True)
class Suspect:
    """A line likely to explain the failure, found without any playbook."""

    line: int
    text: str
    reason: str
    score: float


@dataclass(frozen=True)
class Diagnosis:
    """The result of analysing one log."""

    path: str
    lines: int
    bytes: int
    findings: tuple[Finding, ...]
    suspects: tuple[Suspect, ...]
    #: every error-like line (suspect candidates and error markers), ascending: ``e``/``E``
    error_lines: tuple[int, ...]
    focus_line: int | None
    elapsed_ms: float = 0.0


@dataclass(frozen=True)
class Command:
    """A copyable shell command from a playbook (a fenced block or a workflow entry)."""

    label: str
    text: str
