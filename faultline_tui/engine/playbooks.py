"""Loading and validating playbook folders (the Faultline YAML format, plus our regexes).

Files are parsed with a safe loader only (libyaml's C loader when present, for a fast
cold start). Validation errors name the file, the line and the key; the line is found
by re-composing the file only on the error path, so the happy path stays fast.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from faultline_tui import __version__
from faultline_tui.engine import models, patterns
from faultline_tui.engine.errors import PlaybookError
from faultline_tui.engine.models import PartialGroup, Pattern, Playbook
from faultline_tui.engine.patterns import PatternProblem, compile_regex, literal_key, looks_like_regex

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

CATEGORIES = ("auth", "build", "ci", "deploy", "network", "runtime", "test", "silent_failure")
SEVERITIES = ("critical", "high", "medium", "low")
STAGES = ("build", "test", "deploy")
ENV_VAR = "FAULTLINE_TUI_PLAYBOOKS"
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TEXT_FIELDS = ("title", "summary", "diagnosis", "fix", "validation")
#: Faultline metadata fields: accepted and kept (in ``Playbook.extra``), not used.
_METADATA = (
    "domain", "class", "mode", "hypothesis", "hooks", "remediation", "requires_delta",
    "delta_boost", "requires_topology", "topology_boost", "metadata", "detector",
)  # fmt: skip
_KNOWN = {
    "id", "title", "category", "severity", "base_score", "tags", "stage_hints", "summary",
    "diagnosis", "fix", "validation", "why_it_matters", "match", "workflow", "extends",
    *_METADATA,
}  # fmt: skip
_MATCH_KEYS = {"any", "all", "none", "partial", "scope", "context"}
_WORKFLOW_KEYS = {"likely_files", "local_repro", "verify"}


def bundled_dir() -> Path:
    """The catalog shipped with the package (inside the wheel, or the source checkout)."""
    here = Path(__file__).resolve().parent.parent
    inside = here / "playbooks"
    return inside if inside.is_dir() else here.parent / "playbooks"


@dataclass
class Catalog:
    """The loaded playbooks by id, plus notices (overrides, skipped files) for people."""

    playbooks: dict[str, Playbook]
    notices: list[str] = field(default_factory=list)
    errors: list[PlaybookError] = field(default_factory=list)
    #: the matcher compiled from these playbooks (set by the diagnosis on first use)
    compiled: object = field(default=None, repr=False, compare=False)

    def get(self, playbook_id: str) -> Playbook | None:
        return self.playbooks.get(playbook_id)


# -- locating keys for error messages -------------------------------------------------


def _key_line(text: str, keys: Sequence[str | int]) -> int | None:
    """1-based line of the node at ``keys`` (a path of mapping keys / list indexes)."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return None
    line = node.start_mark.line + 1 if node is not None else None
    for k in keys:
        if isinstance(node, yaml.MappingNode):
            for kn, vn in node.value:
                if kn.value == k:
                    line = kn.start_mark.line + 1
                    node = vn
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(k, int) and k < len(node.value):
            node = node.value[k]
            line = node.start_mark.line + 1
        else:
            return line
    return line


class _FileCheck:
    """Validates one parsed file; collects every problem with its key path."""

    def __init__(self, path: str, text: str, strict: bool):
        self.path = path
        self.text = text
        self.strict = strict
        self.problems: list[PlaybookError] = []
        self.warnings: list[PlaybookError] = []

    def fail(self, keys: Sequence[str | int], message: str, warning: bool = False) -> None:
        key = ".".join(str(k) for k in keys)
        err = PlaybookError(message, self.path, _key_line(self.text, keys), key)
        (self.warnings if warning else self.problems).append(err)

    def text_list(self, data: dict[str, Any], keys: Sequence[str | int], value: Any) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(keys, "must be a list of strings")
            return ()
        return tuple(value)

    def pattern_list(self, keys: Sequence[str | int], value: Any) -> tuple[Pattern, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(keys, "must be a list of patterns")
            return ()
        out: list[Pattern] = []
        for i, item in enumerate(value):
            where = [*keys, i]
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                item = str(item)
            if isinstance(item, str):
                if not literal_key(item):
                    self.fail(where, "empty pattern")
                    continue
                if looks_like_regex(item):
                    self.fail(
                        where,
                        f"literal {item!r} looks like a regular expression; literals are "
                        "matched as plain text (write {regex: '...'} for a regex)",
                        warning=not self.strict,
                    )
                out.append(Pattern(item, "literal"))
            elif isinstance(item, dict) and set(item) == {"regex"} and isinstance(item["regex"], str):
                try:
                    _, anchors = compile_regex(item["regex"])
                except PatternProblem as e:
                    self.fail([*where, "regex"], str(e))
                    continue
                out.append(Pattern(item["regex"], "regex", anchors))
            elif isinstance(item, dict) and set(item) == {"literal"} and isinstance(item["literal"], str):
                out.append(Pattern(item["literal"], "literal"))
            else:
                self.fail(where, "a pattern is a string or {regex: '...'}")
        return tuple(out)


def _parse(path: str, text: str, strict: bool, bundled: bool) -> tuple[dict[str, Any] | None, _FileCheck]:
    check = _FileCheck(path, text, strict)
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark
        check.problems.append(PlaybookError(f"invalid YAML: {e.problem}", path, mark.line + 1 if mark else None))
        return None, check
    except yaml.YAMLError as e:
        check.problems.append(PlaybookError(f"invalid YAML: {e}", path))
        return None, check
    if not isinstance(data, dict):
        check.problems.append(PlaybookError("a playbook is a YAML mapping", path, 1))
        return None, check
    return data, check


def _build(data: dict[str, Any], check: _FileCheck, bundled: bool) -> Playbook | None:
    """Validate a parsed mapping (after ``extends`` was resolved) into a Playbook."""
    pid = data.get("id")
    if not isinstance(pid, str) or not _ID.match(pid):
        check.fail(["id"], "required: a kebab-case id such as 'pip-hash-mismatch'")
        return None
    for key in data:
        if key not in _KNOWN:
            check.fail([key], "unknown key", warning=not check.strict)
    for key in _TEXT_FIELDS:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            check.fail([key], "required: non-empty text")
    category = data.get("category")
    severity = data.get("severity")
    if category is None and (bundled or check.strict):
        check.fail(["category"], f"required: one of {', '.join(CATEGORIES)}")
    elif category is not None and category not in CATEGORIES:
        check.fail(["category"], f"must be one of {', '.join(CATEGORIES)}")
    if severity is None and (bundled or check.strict):
        check.fail(["severity"], f"required: one of {', '.join(SEVERITIES)}")
    elif severity is not None and severity not in SEVERITIES:
        check.fail(["severity"], f"must be one of {', '.join(SEVERITIES)}")
    base = data.get("base_score", 0)
    if isinstance(base, bool) or not isinstance(base, (int, float)):
        check.fail(["base_score"], "must be a number")
        base = 0
    tags = check.text_list(data, ["tags"], data.get("tags"))
    stages = check.text_list(data, ["stage_hints"], data.get("stage_hints"))
    for i, s in enumerate(stages):
        if s not in STAGES:
            check.fail(["stage_hints", i], f"must be one of {', '.join(STAGES)}", warning=not check.strict)

    match = data.get("match")
    any_: tuple[Pattern, ...] = ()
    all_: tuple[Pattern, ...] = ()
    none_: tuple[Pattern, ...] = ()
    context: tuple[Pattern, ...] = ()
    partial: list[PartialGroup] = []
    scope = "line"
    if not isinstance(match, dict):
        check.fail(["match"], "required: a mapping with any, all or partial patterns")
    else:
        for key in match:
            if key not in _MATCH_KEYS:
                check.fail(["match", key], "unknown key (any, all, none, partial, context, scope)")
        any_ = check.pattern_list(["match", "any"], match.get("any"))
        all_ = check.pattern_list(["match", "all"], match.get("all"))
        none_ = check.pattern_list(["match", "none"], match.get("none"))
        context = check.pattern_list(["match", "context"], match.get("context"))
        scope = match.get("scope", "line")
        if scope not in ("line", "step"):
            check.fail(["match", "scope"], "must be 'line' or 'step'")
            scope = "line"
        groups = match.get("partial") or []
        if not isinstance(groups, list):
            check.fail(["match", "partial"], "must be a list of groups")
            groups = []
        for i, g in enumerate(groups):
            where: list[str | int] = ["match", "partial", i]
            if not isinstance(g, dict) or not isinstance(g.get("patterns"), list):
                check.fail(where, "a group needs id, minimum and a list of patterns")
                continue
            pats = check.pattern_list([*where, "patterns"], g["patterns"])
            minimum = g.get("minimum", 1)
            if isinstance(minimum, bool) or not isinstance(minimum, int) or not 1 <= minimum <= max(1, len(pats)):
                check.fail([*where, "minimum"], "must be a whole number from 1 to the number of patterns")
                minimum = 1
            gid = str(g.get("id", f"group-{i + 1}"))
            partial.append(PartialGroup(gid, str(g.get("label", gid)), minimum, pats))
        if not (any_ or all_ or any(g.patterns for g in partial)):
            check.fail(["match"], "needs at least one pattern in any, all or partial")
        positives = {literal_key(p.text) for p in any_ + all_ if p.kind == "literal"}
        for i, p in enumerate(none_):
            if p.kind == "literal" and literal_key(p.text) in positives:
                check.fail(["match", "none", i], f"{p.text!r} is also a positive pattern: it vetoes every match")

    workflow = data.get("workflow") or {}
    if not isinstance(workflow, dict):
        check.fail(["workflow"], "must be a mapping (likely_files, local_repro, verify)")
        workflow = {}
    for key in workflow:
        if key not in _WORKFLOW_KEYS:
            check.fail(["workflow", key], "unknown key (likely_files, local_repro, verify)", warning=not check.strict)
    if check.problems:
        return None
    extra = {k: v for k, v in data.items() if k not in _KNOWN or k in _METADATA}
    return Playbook(
        id=pid,
        title=data["title"].strip(),
        category=category or "build",
        severity=severity or "medium",
        summary=data["summary"].strip(),
        diagnosis=data["diagnosis"].strip(),
        fix=data["fix"].strip(),
        validation=data["validation"].strip(),
        base_score=float(base),
        tags=tags,
        stage_hints=stages,
        why_it_matters=str(data.get("why_it_matters") or "").strip(),
        match_any=any_,
        match_all=all_,
        match_none=none_,
        match_context=context,
        match_partial=tuple(partial),
        scope=scope,
        likely_files=check.text_list(data, ["workflow", "likely_files"], workflow.get("likely_files")),
        local_repro=check.text_list(data, ["workflow", "local_repro"], workflow.get("local_repro")),
        verify=check.text_list(data, ["workflow", "verify"], workflow.get("verify")),
        extends=data.get("extends"),
        source=check.path,
        extra=extra,
    )


@dataclass
class FolderResult:
    """What loading one folder produced."""

    playbooks: list[Playbook]
    problems: list[PlaybookError]
    warnings: list[PlaybookError]
    files: int


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


#: parsed folders kept in the cache directory at most (the newest ones)
CACHE_KEEP = 16


def _cache_path(root: Path, files: list[Path]) -> Path | None:
    """Where the parsed form of a folder is cached: ``playbooks-<folder>-<content>.pickle``.

    The folder part names the folder (and this version of Python and of the package), the
    content part every file's size and mtime, so an edit writes a new entry and
    ``_prune_cache`` removes the folder's older one.
    """
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = hashlib.sha256(f"{__version__}|{sys.version}|{root.resolve()}".encode()).hexdigest()[:16]
    h = hashlib.sha256()
    # the parsed form depends on this code too: a changed engine must not read old objects
    for module in (__file__, models.__file__, patterns.__file__):
        h.update(str(os.stat(module).st_mtime_ns).encode())
    for p in files:
        try:
            st = p.stat()
        except OSError:
            return None
        h.update(f"|{p}|{st.st_size}|{st.st_mtime_ns}".encode())
    return Path(base) / "faultline-tui" / f"playbooks-{folder}-{h.hexdigest()[:16]}.pickle"


def _prune_cache(current: Path) -> None:
    """Drop the folder's superseded entries, then all but the ``CACHE_KEEP`` newest."""
    folder = current.name.rsplit("-", 1)[0]
    try:
        entries = [(e.stat().st_mtime, e) for e in current.parent.glob("playbooks-*.pickle") if e != current]
    except OSError:
        return
    entries.sort(reverse=True)
    superseded = [e for _, e in entries if e.name.startswith(folder + "-")]
    others = [e for _, e in entries if not e.name.startswith(folder + "-")]
    for entry in superseded + others[CACHE_KEEP - 1 :]:
        with contextlib.suppress(OSError):  # another process may hold or remove it
            entry.unlink()


def load_folder(folder: str | os.PathLike[str], strict: bool = False, bundled: bool = False) -> FolderResult:
    """Load every ``*.yaml`` below ``folder`` (cached on disk; see ``_load_folder``)."""
    root = Path(folder)
    if not root.is_dir():
        raise PlaybookError("not a folder of playbooks", str(root))
    files = _files(root)
    cache = None if strict else _cache_path(root, files)
    if cache is not None:
        try:
            with open(cache, "rb") as fh:
                result = pickle.load(fh)
            if isinstance(result, FolderResult):
                return result
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError):
            pass
    result = _load_folder(root, files, strict, bundled)
    if cache is not None:
        # Compiling hundreds of regexes costs most of a cold start; the parsed folder is
        # kept so the next process starts fast. A cache that cannot be written is skipped.
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            with open(tmp, "wb") as fh:
                pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, cache)
        except OSError:
            pass
        else:
            _prune_cache(cache)
    return result


def _load_folder(root: Path, files: list[Path], strict: bool, bundled: bool) -> FolderResult:
    """Parse and validate ``files``; invalid files are reported and skipped.

    ``strict`` (used by ``playbooks check``) turns lint warnings into problems and checks
    that the file name is ``<id>.yaml``.
    """
    raw: dict[str, tuple[dict[str, Any], _FileCheck]] = {}
    problems: list[PlaybookError] = []
    warnings: list[PlaybookError] = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            problems.append(PlaybookError(f"cannot read ({e})", str(path)))
            continue
        data, check = _parse(str(path), text, strict, bundled)
        problems += check.problems
        if data is None:
            continue
        pid = data.get("id")
        if isinstance(pid, str) and pid in raw:
            check.fail(["id"], f"duplicate id {pid!r} (also in {raw[pid][1].path})")
            problems += check.problems
            continue
        if strict and isinstance(pid, str) and path.stem != pid:
            check.fail(["id"], f"id {pid!r} does not match the file name {path.name!r}")
        raw[str(pid)] = (data, check)
    out: list[Playbook] = []
    for data, check in raw.values():
        merged = _resolve_extends(data, raw, check)
        playbook = _build(merged, check, bundled) if merged is not None else None
        problems += check.problems
        warnings += check.warnings
        if playbook is not None and not check.problems:
            out.append(playbook)
    return FolderResult(out, problems, warnings, len(files))


def _resolve_extends(
    data: dict[str, Any], raw: dict[str, tuple[dict[str, Any], _FileCheck]], check: _FileCheck
) -> dict[str, Any] | None:
    """Fields of the ``extends`` parent that the child does not set are inherited."""
    chain: list[str] = [str(data.get("id"))]
    merged = dict(data)
    parent_id = data.get("extends")
    while parent_id:
        if parent_id in chain:
            check.fail(["extends"], f"extends cycle: {' -> '.join([*chain, parent_id])}")
            return None
        parent = raw.get(parent_id)
        if parent is None:
            check.fail(["extends"], f"unknown parent playbook {parent_id!r}")
            return None
        for k, v in parent[0].items():
            if k not in merged and k != "id":
                merged[k] = v
        chain.append(parent_id)
        parent_id = parent[0].get("extends")
    return merged


_CACHE: dict[tuple[str, ...], Catalog] = {}


def env_dirs() -> list[str]:
    """Folders named by ``FAULTLINE_TUI_PLAYBOOKS`` (an ``os.pathsep`` separated list)."""
    value = os.environ.get(ENV_VAR, "")
    return [d for d in value.split(os.pathsep) if d]


def load_catalog(extra_dirs: Iterable[str] = (), use_env: bool = True) -> Catalog:
    """The bundled catalog plus user folders; later folders override earlier ids.

    Parsed once per process for each distinct list of folders. Raises ``PlaybookError``
    when a user folder does not exist or holds no valid playbook.
    """
    dirs = tuple([*(env_dirs() if use_env else []), *extra_dirs])
    cached = _CACHE.get(dirs)
    if cached is not None:
        return cached
    notices: list[str] = []
    errors: list[PlaybookError] = []
    bundled = load_folder(bundled_dir(), bundled=True)
    playbooks = {p.id: p for p in bundled.playbooks}
    errors += bundled.problems
    origin = {p.id: "bundled" for p in bundled.playbooks}
    for d in dirs:
        if not Path(d).is_dir():
            raise PlaybookError("playbook folder not found", d)
        result = load_folder(d)
        errors += result.problems
        if not result.playbooks:
            detail = f"; first problem: {result.problems[0]}" if result.problems else ""
            raise PlaybookError(f"no valid playbook in this folder{detail}", d)
        for p in result.playbooks:
            if p.id in playbooks:
                notices.append(f"playbook {p.id!r} from {p.source} overrides the {origin[p.id]} one")
            playbooks[p.id] = p
            origin[p.id] = d
    for e in errors:
        notices.append(f"skipped invalid playbook: {e}")
    catalog = Catalog(playbooks, notices, errors)
    _CACHE[dirs] = catalog
    return catalog


def check_folders(folders: Iterable[str]) -> tuple[list[PlaybookError], list[PlaybookError], int, int]:
    """Lint folders as ``playbooks check`` does: (problems, warnings, files, valid)."""
    problems: list[PlaybookError] = []
    warnings: list[PlaybookError] = []
    files = valid = 0
    seen: dict[str, str] = {}
    for folder in folders:
        result = load_folder(folder, strict=True)
        problems += result.problems
        warnings += result.warnings
        files += result.files
        valid += len(result.playbooks)
        for p in result.playbooks:
            if p.id in seen:
                problems.append(PlaybookError(f"duplicate id {p.id!r} (also in {seen[p.id]})", p.source, 1, "id"))
            seen[p.id] = p.source
    return problems, warnings, files, valid
