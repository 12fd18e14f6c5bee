"""Scoring and ranking: from hits to findings, suspects and the focus line.

A log usually fails at one point: the command whose non-zero exit ended the job. Setup
noise (runtime versions, retries, warnings) can match generic patterns anywhere, so a
hit is weighed by *where* it sits relative to that failure point (same step, shortly
before it) and by *how specific* its pattern is (long, rare phrases beat short shared
ones), not only by how many patterns matched.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from faultline_tui.engine.logs import LogFile, clean_text
from faultline_tui.engine.matching import Marker, Matcher, ScanResult
from faultline_tui.engine.models import Diagnosis, Finding, Hit, Pattern, Playbook, Suspect
from faultline_tui.engine.playbooks import Catalog

SEVERITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}

# Built-in error-like phrases: what makes a line a suspect when no playbook matches.
# Negative weights mark phrases that look like errors but report success.
MARKERS: tuple[Marker, ...] = tuple(
    Marker(k, w, r)
    for k, w, r in (
        ("traceback (most recent call last)", 3.0, "traceback"),
        ("error:", 1.5, "error message"),
        ("error[e", 2.0, "compiler error"),
        ("error ts", 1.5, "compiler error"),
        ("fatal:", 2.0, "fatal error"),
        ("fatal error", 2.0, "fatal error"),
        ("npm err!", 1.2, "npm error"),
        ("[error]", 1.5, "error message"),
        ("error -", 0.8, "error message"),
        ("panic:", 2.0, "panic"),
        ("exception:", 1.2, "exception"),
        ("exception in thread", 2.0, "exception"),
        ("error", 0.4, "error message"),
        ("failed", 1.0, "failure"),
        ("failure", 0.8, "failure"),
        ("failures:", 1.2, "test failures"),
        ("--- fail:", 2.5, "test failure"),
        ("fail:", 1.0, "test failure"),
        ("assertionerror", 2.0, "assertion"),
        ("assertion failed", 2.0, "assertion"),
        ("expected:", 0.6, "assertion"),
        ("segmentation fault", 2.5, "crash"),
        ("core dumped", 2.0, "crash"),
        ("exit code", 1.5, "exit"),
        ("exit status", 1.5, "exit"),
        ("exited with", 1.5, "exit"),
        ("non-zero exit", 2.0, "exit"),
        ("returned a non-zero", 2.0, "exit"),
        ("job failed", 2.0, "exit"),
        ("command not found", 2.0, "missing command"),
        ("no such file or directory", 1.2, "missing file"),
        ("permission denied", 1.2, "permission"),
        ("cannot find", 1.0, "not found"),
        ("could not find", 1.0, "not found"),
        ("not found", 0.5, "not found"),
        ("undefined reference", 2.0, "link error"),
        ("undefined method", 1.5, "runtime error"),
        ("is not defined", 1.2, "runtime error"),
        ("build failed", 2.5, "build failed"),
        ("build failure", 2.5, "build failed"),
        ("tests failed", 2.0, "tests failed"),
        ("test failed", 2.0, "tests failed"),
        ("failing tests", 2.0, "tests failed"),
        ("make: ***", 1.5, "exit"),
        ("timed out", 1.2, "timeout"),
        ("out of memory", 1.5, "out of memory"),
        ("killed", 0.6, "killed"),
        ("unable to", 0.8, "error message"),
        # look like errors, report success or configuration
        ("0 errors", -2.0, ""),
        ("0 failed", -2.0, ""),
        ("0 failures", -2.0, ""),
        ("failures: 0", -2.0, ""),
        ("failures=0", -2.0, ""),
        ("errors: 0", -2.0, ""),
        ("errors=0", -2.0, ""),
        ("failed: 0", -2.0, ""),
        ("failed=0", -2.0, ""),
        ("no errors", -2.0, ""),
        ("-werror", -1.5, ""),
        ("warning:", -0.8, ""),
        ("warn ", -0.6, ""),
        ("your build exited with", -1.5, ""),
        ("retrying", -0.8, ""),
        ("ignored", -0.5, ""),
        ("skipped", -0.5, ""),
    )
)

# The lines that end a failing job: the failure point every hit is weighed against.
_EXIT = re.compile(
    r"(?:exited with|exit code|exit status|returned a non-zero exit status)[: ]*(-?\d+)"
    r"|(job failed)|(build failed)|(build failure)|(make: \*\*\*)",
    re.IGNORECASE,
)

# The verdict lines of CI runners: the job's own failure point.
_CI_EXIT = re.compile(
    r'The command ".*" exited with (-?\d+)'
    r"|Process completed with exit code (-?\d+)"
    r"|Job failed: (?:exit code|command terminated with exit code) (-?\d+)"
    r"|Exited with code (?:exit status )?(-?\d+)"
    r"|script returned exit code (-?\d+)"
    r"|\w+ exited with code '(-?\d+)'"
    r"|The process '[^']*' failed with exit code (-?\d+)",
    re.IGNORECASE,
)

_LOCK = threading.Lock()


def matcher_for(catalog: Catalog) -> Matcher:
    """The compiled matcher of a catalog (built once per catalog, kept on it)."""
    with _LOCK:
        m = catalog.compiled
        if not isinstance(m, Matcher):
            m = catalog.compiled = Matcher(sorted(catalog.playbooks.values(), key=lambda p: p.id), MARKERS)
        return m


@dataclass(frozen=True)
class _Context:
    """Where the log failed: the failure line and its step."""

    failure_line: int
    failure_step: int
    lines: int
    scan: ScanResult

    def proximity(self, line: int) -> float:
        """How close ``line`` is to the failure: highest in the failing step, before it.

        Inside the failing step the weight falls off slowly (a long test run can print
        its first failure hundreds of lines before the exit); earlier steps weigh less,
        and lines after the failure point (after_failure dumps, cleanup) least.
        """
        if self.lines <= 0:
            return 0.0
        if line > self.failure_line:
            return 0.1 + 0.25 * math.exp(-(line - self.failure_line) / 200.0)
        near = math.exp(-(self.failure_line - line) / 300.0)
        if self.scan.step_of(line) == self.failure_step:
            return 0.55 + 0.45 * near
        return 0.15 + 0.35 * near

    def in_failing_step(self, line: int) -> bool:
        return line <= self.failure_line and self.scan.step_of(line) == self.failure_step


def _failure_context(log: LogFile, scan: ScanResult) -> _Context:
    """Find the line where the job failed, else the last line.

    A CI runner's own verdict (Travis ``The command ... exited with 1``, GitHub
    ``Process completed with exit code 1``, GitLab ``Job failed``, ...) wins over a tool's
    generic ``exit code: 1``, which can sit inside an error message well before the end.
    """
    generic = 0
    for line in sorted(scan.markers):
        reasons = scan.markers[line][1]
        if "exit" not in reasons and "build failed" not in reasons:
            continue
        text = log.display_line(line)
        m = _CI_EXIT.search(text)
        if m is not None:
            code = next((g for g in m.groups() if g is not None), "1")
            if code.lstrip("-") != "0":
                return _Context(line, scan.step_of(line), scan.lines, scan)
            continue
        if not generic:
            for m in _EXIT.finditer(text):
                if m.group(1) is None or m.group(1).lstrip("-") != "0":
                    generic = line
                    break
    failure = generic or max(scan.lines, 1)
    return _Context(failure, scan.step_of(failure), scan.lines, scan)


def _specificity(pattern: Pattern, matcher: Matcher) -> float:
    """0.3..1.0: long patterns used by one playbook are specific; short shared ones not."""
    length = len(pattern.text) if pattern.kind == "literal" else 12 + len(pattern.text) // 3
    shared = matcher.share_count(pattern)
    return (0.45 + 0.55 * min(length, 40) / 40) / math.sqrt(shared)


def _step_groups(playbook: Playbook, hits: list[Hit], ctx: _Context) -> list[Hit]:
    """For ``scope: step`` playbooks: the hits of the steps that satisfy all rules."""
    by_step: dict[int, list[Hit]] = {}
    for h in hits:
        by_step.setdefault(ctx.scan.step_of(h.line), []).append(h)
    kept: list[Hit] = []
    for step_hits in by_step.values():
        if _satisfied(playbook, step_hits):
            kept += step_hits
    return kept


def _satisfied(playbook: Playbook, hits: Sequence[Hit]) -> bool:
    return playbook.satisfied_by({h.pattern for h in hits})


def _score(playbook: Playbook, hits: list[Hit], matcher: Matcher, ctx: _Context) -> tuple[float, Hit]:
    """The finding's score and its best hit (specific and close to the failure)."""
    matched: dict[Pattern, list[Hit]] = {}
    for h in hits:
        matched.setdefault(h.pattern, []).append(h)
    score = playbook.base_score
    # `any` patterns are alternatives: the best one counts fully, further ones only a
    # little, so a catch-all with many wordings cannot outvote one specific cause
    any_specs = sorted((_specificity(p, matcher) for p in playbook.match_any if p in matched), reverse=True)
    if any_specs:
        score += any_specs[0] + 0.8 * sum(any_specs[1:4])
    for p in playbook.match_all:
        if p in matched:
            score += 1.0 * _specificity(p, matcher) + 0.5
    if playbook.match_all and all(p in matched for p in playbook.match_all):
        score += 1.5
    for g in playbook.match_partial:
        n = sum(1 for p in g.patterns if p in matched)
        score += 0.5 * n + (1.0 if n >= g.minimum else 0.0)
    for p in playbook.match_context:
        if p in matched:
            score += 0.3 * _specificity(p, matcher)
    signal = [h for h in hits if h.role != "context"] or hits
    # each hit's specificity and closeness to the failure, worked out once
    placed = [(_specificity(h.pattern, matcher), ctx.proximity(h.line), h) for h in signal]
    location = max(spec * prox for spec, prox, _ in placed)
    # what the patterns are worth counts in full only near the failure: a warning in
    # an early setup step (a cache miss, a retried download) that satisfies a rich rule
    # must not outweigh a plain error right before the failing exit
    near = max(prox for _, prox, _ in placed)
    score *= 0.3 + 0.7 * near
    score += 2.5 * location
    # the line to open at: the most specific hit of the failing step (else of the best
    # located ones), and among equals the first — the first failure explains the rest
    pool = [(spec, h) for spec, _, h in placed if ctx.in_failing_step(h.line)] or [
        (spec, h) for spec, prox, h in placed if spec * prox >= 0.8 * location
    ]
    top_spec = max(spec for spec, _ in pool)
    best = min((h for spec, h in pool if spec >= 0.9 * top_spec), key=lambda h: h.line)
    return round(score, 4), best


#: Tag of playbooks that recognise a test runner's failure report: the effect, whose
#: cause (a missing tool, a timeout, a crash) another playbook may name.
REPORT_TAG = "test-report"


def _defer_reports(
    scored: list[tuple[float, Playbook, list[Hit], Hit]],
) -> list[tuple[float, Playbook, list[Hit], Hit]]:
    """Lower a test report's score when a specific cause was found inside that report.

    A cause counts when one of its hits lies within the report's lines (from 50 lines
    before its first hit to 10 after its last): the report then says *that* tests
    failed, the cause says *why*.
    """
    causes = [(p, hits) for _, p, hits, _ in scored if REPORT_TAG not in p.tags]
    out = []
    for score, playbook, hits, best in scored:
        if REPORT_TAG in playbook.tags and causes:
            lo, hi = min(h.line for h in hits) - 50, max(h.line for h in hits) + 10
            if any(lo <= h.line <= hi for _, ch in causes for h in ch if h.role != "context"):
                score = round(score * 0.85, 4)
        out.append((score, playbook, hits, best))
    return out


def _context_findings(
    hits_by_playbook: dict[int, list[Hit]], matcher: Matcher, ctx: _Context
) -> list[tuple[float, Playbook, list[Hit], Hit]]:
    """Playbooks whose only hits are context patterns: a weak guess, used when nothing else is."""
    out = []
    for idx, hits in hits_by_playbook.items():
        playbook = matcher.playbooks[idx]
        ctx_hits = [h for h in hits if h.role == "context"]
        if not ctx_hits or any(h.role == "none" for h in hits):
            continue
        score = 0.5 * sum(_specificity(p, matcher) for p in {h.pattern for h in ctx_hits})
        score += 0.5 * max(_specificity(h.pattern, matcher) * ctx.proximity(h.line) for h in ctx_hits)
        out.append((round(score, 4), playbook, ctx_hits, max(ctx_hits, key=lambda h: (ctx.proximity(h.line), -h.line))))
    return out


def _suspects(log: LogFile, ctx: _Context, limit: int = 5) -> tuple[list[Suspect], tuple[int, ...]]:
    """Best error-like lines (a handful) and every error-like line for e/E."""
    ranked: list[tuple[float, int, tuple[str, ...]]] = []
    error_lines = []
    for line, (weight, reasons) in ctx.scan.markers.items():
        if weight <= 0.35:
            continue
        error_lines.append(line)
        # the failing command's exit line says *that* it failed, rarely *why*
        penalty = 1.0 if line == ctx.failure_line else 0.0
        ranked.append((weight + 2.0 * ctx.proximity(line) - penalty, line, reasons))
    ranked.sort(key=lambda t: (-t[0], -t[1]))
    out: list[Suspect] = []
    taken: list[int] = []
    for score, line, reasons in ranked:
        if any(abs(line - t) <= 2 for t in taken):
            continue  # one suspect per block of lines
        text = clean_text(log.display_line(line))
        if not text:
            continue
        taken.append(line)
        out.append(Suspect(line, text[:500], ", ".join(r for r in reasons if r), round(score, 3)))
        if len(out) >= limit:
            break
    return out, tuple(sorted(error_lines))


def diagnose(
    log: LogFile,
    catalog: Catalog,
    progress: Callable[[float], None] | None = None,
    top: int | None = None,
) -> Diagnosis:
    """Analyse one log against a catalog: ranked findings, suspects and focus line."""
    t0 = time.perf_counter()
    matcher = matcher_for(catalog)
    scan = matcher.scan(log, progress)
    return rank(log, scan, matcher, top, t0)


def rank(
    log: LogFile, scan: ScanResult, matcher: Matcher, top: int | None = None, t0: float | None = None
) -> Diagnosis:
    """Turn one scan's hits into the ranked diagnosis (no matching happens here)."""
    t0 = time.perf_counter() if t0 is None else t0
    ctx = _failure_context(log, scan)
    scored: list[tuple[float, Playbook, list[Hit], Hit]] = []
    for idx, hits in scan.hits.items():
        playbook = matcher.playbooks[idx]
        if any(h.role == "none" for h in hits):
            continue
        if playbook.scope == "step":
            hits = _step_groups(playbook, hits, ctx)
        if not hits or not _satisfied(playbook, hits):
            continue
        score, best = _score(playbook, hits, matcher, ctx)
        scored.append((score, playbook, hits, best))
    scored = _defer_reports(scored)
    basis = "signal"
    if not scored:
        scored = _context_findings(scan.hits, matcher, ctx)
        basis = "context"
    scored.sort(key=lambda t: (-t[0], SEVERITY_RANK.get(t[1].severity, 9), t[1].id))
    findings = []
    for i, (score, playbook, hits, _best) in enumerate(scored):
        # the best other score: the runner-up for the top finding, the top for the rest
        runner = (scored[1][0] if len(scored) > 1 else 0.0) if i == 0 else scored[0][0]
        separation = max(0.0, score - runner) / score if score > 0 else 0.0
        confidence = 0.5 * score / (score + 1.0) + 0.5 * separation
        if basis == "context":  # a guess from the situation alone, never a confident one
            confidence = min(0.3, 0.6 * confidence)
        captures: dict[str, str] = {}
        for h in hits:
            for name, value in h.groups:
                captures.setdefault(name, value)
        findings.append(
            Finding(
                playbook,
                score,
                round(min(1.0, max(0.0, confidence)), 3),
                tuple(hits),
                tuple(captures.items()),
                basis,
            )
        )
    if top is not None:
        findings = findings[:top]
    suspects, error_lines = _suspects(log, ctx)
    # open at the top finding's best hit, unless that hit lies outside the failing step
    # while a suspect lies inside it: then the finding explains an earlier hiccup
    stray = bool(
        scored and suspects and not ctx.in_failing_step(scored[0][3].line) and ctx.in_failing_step(suspects[0].line)
    )
    if scored and (basis == "signal" or not suspects) and not stray:
        focus: int | None = scored[0][3].line
    elif suspects:
        focus = suspects[0].line
    else:
        focus = ctx.failure_line if scan.lines else None
    return Diagnosis(
        path=log.path,
        lines=scan.lines,
        bytes=log.size,
        findings=tuple(findings),
        suspects=tuple(suspects),
        error_lines=error_lines,
        focus_line=focus,
        elapsed_ms=round((time.perf_counter() - t0) * 1000, 1),
    )
