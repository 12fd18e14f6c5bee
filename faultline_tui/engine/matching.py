"""One pass over the text finds every hit of every pattern of the catalog.

The catalog is compiled once into a single Aho-Corasick automaton over the literal keys
(literal patterns, and the anchors of regex patterns). Each chunk of the log is
normalized in bulk (see ``logs.normalize_chunk``), lower-cased and scanned once; the
cost is proportional to the text, not to lines x patterns. Only the lines where some
key occurred are then looked at one by one, to confirm the match on the exact match
text, run the regexes whose anchor occurred, and compute the column span.

``ahocorasick_rs`` is the fast path; without it a per-key ``bytes.find`` scan of each
chunk (still C speed, but proportional to the number of keys) is the fallback.
"""

from __future__ import annotations

import mmap
import multiprocessing
import os
import re
from array import array
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import pairwise
from operator import itemgetter
from typing import Any

from faultline_tui.engine.logs import LogFile, iter_chunks, match_text, normalize_chunk
from faultline_tui.engine.models import Hit, Pattern, Playbook, Role
from faultline_tui.engine.patterns import MAX_REGEX_LINE, compile_regex, literal_key

try:
    import ahocorasick_rs as _ac
except ImportError:  # pragma: no cover - exercised by the fallback test through a flag
    _ac = None

#: A regex whose anchor occurs on more lines than this in one chunk is run over the
#: whole chunk at once instead of being confirmed line by line.
_HOT = 24

#: Logs at least this large are scanned with the DFA automaton.
_LARGE_BYTES = 16 << 20

#: How many lines of each context pattern are kept for playbooks that did not match.
_CONTEXT_LINES = 20

#: Lines that start a step: GitHub groups, GitLab sections, Travis folds, Azure
#: sections, Jenkins pipeline stages.
_STEP_MARKERS = (
    b"##[group]",
    b"::group::",
    b"travis_fold:start:",
    b"section_start:",
    b"##[section]Starting:",
    b"[Pipeline] stage",
    b"[Pipeline] { (",
)


@dataclass(frozen=True)
class Marker:
    """A built-in error-like phrase used to find suspects without any playbook."""

    key: str
    weight: float
    reason: str


@dataclass
class Part:
    """What phase 1 found in a part of a log (line numbers relative to the part)."""

    entry_lines: dict[int, list[int]]
    marker_weight: dict[int, float]
    marker_reasons: dict[int, list[str]]
    steps: list[int]
    workers: int = 1


@dataclass
class _Entry:
    owner: int  # playbook index, or -1 for a marker
    role: Role
    pattern: Pattern
    key: str
    is_regex: bool = False
    marker: Marker | None = None

    @property
    def regex(self) -> re.Pattern[str]:
        """Compiled on first use (``re`` caches it): most regexes never see a candidate."""
        return re.compile(self.pattern.text, re.IGNORECASE)


@dataclass
class ScanResult:
    """What one pass over a log found."""

    lines: int
    #: playbook index -> its hits in line order
    hits: dict[int, list[Hit]] = field(default_factory=dict)
    #: line -> (marker weights summed, reasons)
    markers: dict[int, tuple[float, tuple[str, ...]]] = field(default_factory=dict)
    #: first line of every step, ascending (always starts with 1)
    step_starts: list[int] = field(default_factory=lambda: [1])
    #: how many processes scanned the text (1 in-process; more for large files)
    workers: int = 1

    def step_of(self, line: int) -> int:
        """Index of the step that holds ``line``."""
        return bisect_right(self.step_starts, line) - 1


class Matcher:
    """A catalog compiled for scanning; build once, scan many logs."""

    def __init__(self, playbooks: Sequence[Playbook], markers: Sequence[Marker] = (), use_fast: bool = True):
        self.playbooks = list(playbooks)
        self._keys: list[str] = []
        self._key_index: dict[str, int] = {}
        self._entries: list[list[_Entry]] = []
        owners: dict[str, set[int]] = defaultdict(set)
        for i, pb in enumerate(self.playbooks):
            for role, pat in pb.patterns():
                if pat.kind == "literal":
                    key = literal_key(pat.text)
                    self._add(key, _Entry(i, role, pat, key))
                    owners[key].add(i)
                else:
                    for key in pat.anchors or compile_regex(pat.text)[1]:
                        self._add(key, _Entry(i, role, pat, key, is_regex=True))
                    owners["re:" + pat.text].add(i)
        self._markers = tuple(markers)
        for m in markers:
            self._add(m.key, _Entry(-1, "any", Pattern(m.key), m.key, marker=m))
        #: how many playbooks use a pattern (by literal key or ``re:`` source)
        self.sharing = {k: len(v) for k, v in owners.items()}
        self._fast = bool(use_fast and _ac is not None and self._keys)
        self._automata: dict[bool, object] = {}
        self._large = False
        self._encoded = [k.encode("utf-8") for k in self._keys]
        self._entry_list = [e for entries in self._entries for e in entries]
        self._entry_id = {id(e): i for i, e in enumerate(self._entry_list)}
        self._bulk: dict[Pattern, re.Pattern[bytes] | None] = {}

    def _add(self, key: str, entry: _Entry) -> None:
        idx = self._key_index.get(key)
        if idx is None:
            idx = self._key_index[key] = len(self._keys)
            self._keys.append(key)
            self._entries.append([])
        self._entries[idx].append(entry)

    def share_count(self, pattern: Pattern) -> int:
        key = literal_key(pattern.text) if pattern.kind == "literal" else "re:" + pattern.text
        return self.sharing.get(key, 1)

    def _automaton(self) -> Any:
        """The Aho-Corasick automaton: a DFA (slow to build, fastest to run) for large
        logs, a contiguous NFA (quick to build) for small ones; each built once."""
        auto = self._automata.get(self._large)
        if auto is None:
            assert _ac is not None
            impl = _ac.Implementation.DFA if self._large else _ac.Implementation.ContiguousNFA
            auto = self._automata[self._large] = _ac.BytesAhoCorasick(
                self._encoded, matchkind=_ac.MATCHKIND_STANDARD, implementation=impl
            )
        return auto

    # -- scanning -----------------------------------------------------------------
    def _find(self, text: bytes) -> list[tuple[int, int]]:
        """(key index, start offset) of every occurrence of every key, by offset."""
        if self._fast:
            found = [(k, s) for k, s, _ in self._automaton().find_matches_as_indexes(text, overlapping=True)]
        else:
            found = []
            for k, key in enumerate(self._encoded):
                pos = text.find(key)
                while pos >= 0:
                    found.append((k, pos))
                    pos = text.find(key, pos + 1)
        found.sort(key=itemgetter(1))
        return found

    def _bulk_regex(self, entry: _Entry) -> re.Pattern[bytes] | None:
        """The entry's regex for whole lower-cased chunks (None if it has no bytes form)."""
        if entry.pattern not in self._bulk:
            try:
                self._bulk[entry.pattern] = re.compile(entry.pattern.text.encode("utf-8"), re.I | re.M)
            except re.error:
                self._bulk[entry.pattern] = None
        return self._bulk[entry.pattern]

    def scan(self, log: LogFile, progress: Callable[[float], None] | None = None) -> ScanResult:
        """Find every hit in ``log`` (and its step boundaries and error markers).

        Three phases: (1) one automaton pass per chunk records, for every pattern, the
        lines where its key occurs (a regex whose anchor is frequent in a chunk is run
        once over the whole chunk instead, so its lines are exact); (2) playbooks whose
        rules cannot hold with those patterns are dropped; (3) the remaining candidate
        lines are confirmed one by one, with columns and captured groups.
        """
        self._large = log.size >= _LARGE_BYTES
        part = self._scan_parallel(log, progress) if _parallel_ok(log) else None
        workers = part.workers if part is not None else 1
        if part is None:
            part = self.scan_part(log.chunks(progress))
        entry_lines, marker_weight, marker_reasons, steps = (
            part.entry_lines,
            part.marker_weight,
            part.marker_reasons,
            part.steps,
        )
        result = ScanResult(lines=log.line_count, workers=workers)
        result.step_starts = sorted(set(steps))
        result.markers = {ln: (w, tuple(marker_reasons[ln])) for ln, w in marker_weight.items()}
        # phase 2: only playbooks whose rules can still hold are confirmed line by line
        present: dict[int, set[Pattern]] = defaultdict(set)
        for eid, lines in entry_lines.items():
            if lines:
                e = self._entry_list[eid]
                present[e.owner].add(e.pattern)
        possible = {o for o, pats in present.items() if self.playbooks[o].satisfied_by(pats)}
        candidates: dict[int, set[int]] = defaultdict(set)
        for eid, lines in entry_lines.items():
            e = self._entry_list[eid]
            if e.owner in possible:
                for ln in lines:
                    candidates[ln].add(eid)
            elif e.role == "context":  # kept for the context fallback; the first few suffice
                for ln in sorted(set(lines))[:_CONTEXT_LINES]:
                    candidates[ln].add(eid)
        hits: dict[int, list[Hit]] = defaultdict(list)
        for line in sorted(candidates):
            self._confirm(log, line, candidates[line], hits)
        result.hits = dict(hits)
        return result

    def scan_part(self, chunks: Iterable[tuple[int, int, bytes]]) -> Part:
        """Phase 1 over some chunks: where each pattern's key occurs, markers, steps."""
        entry_lines: dict[int, list[int]] = defaultdict(list)
        marker_weight: dict[int, float] = defaultdict(float)
        marker_reasons: dict[int, list[str]] = defaultdict(list)
        steps: list[int] = [1]
        for first, _offset, chunk in chunks:
            norm = normalize_chunk(chunk).lower()
            by_key: dict[int, list[int]] = defaultdict(list)
            for k, start in self._find(norm):
                by_key[k].append(start)
            for k, starts in by_key.items():
                lines = _lines_at(norm, starts, first)
                for e in self._entries[k]:
                    if e.marker is not None:
                        for ln in set(lines):
                            marker_weight[ln] += e.marker.weight
                            if e.marker.reason not in marker_reasons[ln]:
                                marker_reasons[ln].append(e.marker.reason)
                        continue
                    eid = self._entry_id[id(e)]
                    bulk = self._bulk_regex(e) if e.is_regex and len(starts) > _HOT else None
                    if bulk is not None:
                        # a match may begin with line breaks (`\s*`): its line is the
                        # one of its first other character
                        offsets = [
                            m.start() + len(m.group()) - len(m.group().lstrip(b"\n")) for m in bulk.finditer(norm)
                        ]
                        entry_lines[eid] += _lines_at(norm, offsets, first)
                    else:
                        entry_lines[eid] += lines
            # step starts: CI markers in the raw text, and `$ command` echo lines
            raw_starts = sorted(
                m.start() for marker in _STEP_MARKERS if marker in chunk for m in re.finditer(re.escape(marker), chunk)
            )
            norm_starts = [m.start() + 1 for m in re.finditer(rb"\n\$ ", norm)]
            if norm.startswith(b"$ "):
                norm_starts.insert(0, 0)
            steps += _lines_at(chunk, raw_starts, first)
            steps += _lines_at(norm, norm_starts, first)
        return Part(entry_lines, marker_weight, marker_reasons, steps)

    def _scan_parallel(self, log: LogFile, progress: Callable[[float], None] | None) -> Part | None:
        """Phase 1 of a large file split over worker processes, merged in file order.

        Each worker maps the file itself and scans a byte range cut at a line break;
        its line numbers are relative and are shifted here. Returns None (and the
        caller scans in-process) when worker processes cannot be started.
        """
        assert log.file_path is not None
        workers = min(os.cpu_count() or 1, _MAX_WORKERS)
        bounds = [0]
        for i in range(1, workers):
            cut = log.find_line_start(log.size * i // workers)
            if bounds[-1] < cut < log.size:
                bounds.append(cut)
        bounds.append(log.size)
        ranges = list(pairwise(bounds))
        try:
            ctx = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(
                len(ranges), mp_context=ctx, initializer=_init_worker, initargs=(self.playbooks, self._markers)
            ) as pool:
                want_index = not log.has_index
                futures = [
                    pool.submit(_scan_range, log.file_path, a, b, log.size >= 2**32, want_index) for a, b in ranges
                ]
                results = []
                for i, f in enumerate(futures):
                    results.append(f.result())
                    if progress is not None:
                        progress((i + 1) / len(futures))
        except (OSError, BrokenProcessPool, RuntimeError, ValueError):
            # ValueError: a host (such as a full-screen app) replaced the standard
            # streams with objects that have no file descriptor
            return None
        merged = Part(defaultdict(list), defaultdict(float), defaultdict(list), [1])
        index = array("Q" if log.size >= 2**32 else "I", [0])
        shift = 0
        for part, newlines, starts in results:
            for eid, lines in part.entry_lines.items():
                merged.entry_lines[eid] += [ln + shift for ln in lines]
            for ln, w in part.marker_weight.items():
                merged.marker_weight[ln + shift] += w
            for ln, reasons in part.marker_reasons.items():
                merged.marker_reasons[ln + shift] = reasons
            merged.steps += [ln + shift for ln in part.steps[1:]]  # [0] is the part's own start
            index.frombytes(starts)
            shift += newlines
        if want_index:
            if len(index) > 1 and index[-1] >= log.size:
                index.pop()
            log.adopt_index(index)
        merged.workers = len(ranges)
        return merged

    def _confirm(self, log: LogFile, line: int, entry_ids: set[int], out: dict[int, list[Hit]]) -> None:
        """Exact hits on one candidate line, with display-column spans."""
        display = log.display_line(line)
        text, cols = match_text(display)
        low = text.lower()
        same_length = len(low) == len(text)
        done: set[tuple[int, Pattern]] = set()
        found: list[tuple[int, Hit]] = []
        for eid in sorted(entry_ids):
            e = self._entry_list[eid]
            if (e.owner, e.pattern) in done:
                continue
            done.add((e.owner, e.pattern))
            if not e.is_regex:
                for s, t in _literal_spans(low, text, e.key, same_length):
                    found.append((e.owner, Hit(line, cols[s], _end(cols, t), e.pattern, e.role)))
            else:
                for m in e.regex.finditer(text[:MAX_REGEX_LINE]):
                    groups = tuple((g, v) for g, v in m.groupdict().items() if v)
                    found.append((e.owner, Hit(line, cols[m.start()], _end(cols, m.end()), e.pattern, e.role, groups)))
        for owner, hit in sorted(found, key=lambda oh: (oh[1].start, oh[1].end)):
            out[owner].append(hit)


#: Logs at least this large are scanned by worker processes (one per core, at most
#: ``_MAX_WORKERS``); below it, starting them costs more than it saves.
PARALLEL_MIN_BYTES = 96 << 20
_MAX_WORKERS = 4
_WORKER: Matcher | None = None


def _parallel_ok(log: LogFile) -> bool:
    return log.file_path is not None and log.size >= PARALLEL_MIN_BYTES and (os.cpu_count() or 1) > 1


def _init_worker(playbooks: list[Playbook], markers: tuple[Marker, ...]) -> None:
    global _WORKER
    _WORKER = Matcher(playbooks, markers)
    _WORKER._large = True


def _scan_range(path: str, start: int, end: int, wide: bool, want_index: bool) -> tuple[Part, int, bytes]:
    """Worker: phase 1 over ``path[start:end]``; returns the part, its line breaks and
    (when asked) the line starts it indexed."""
    assert _WORKER is not None
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        starts: array[int] = array("Q" if wide else "I")
        part = _WORKER.scan_part(iter_chunks(data, start, end, starts if want_index else None))
        newlines = data[start:end].count(b"\n")
    part.entry_lines = dict(part.entry_lines)
    part.marker_weight = dict(part.marker_weight)
    part.marker_reasons = dict(part.marker_reasons)
    return part, newlines, starts.tobytes()


def _end(cols: list[int], end: int) -> int:
    """Display column just after the match text character ``end - 1``."""
    return cols[end - 1] + 1 if end > 0 else cols[0]


def _literal_spans(low: str, text: str, key: str, same_length: bool) -> list[tuple[int, int]]:
    if not same_length:  # lower() changed the length: search case-insensitively instead
        return [m.span() for m in re.finditer(re.escape(key), text, re.IGNORECASE)]
    spans = []
    pos = low.find(key)
    while pos >= 0:
        spans.append((pos, pos + len(key)))
        pos = low.find(key, pos + 1)
    return spans


def _lines_at(buf: bytes, offsets: list[int], first: int) -> list[int]:
    """Line numbers of ascending byte offsets in ``buf`` whose first line is ``first``."""
    out = []
    line, prev = first, 0
    for off in offsets:
        line += buf.count(b"\n", prev, off)
        prev = off
        out.append(line)
    return out
