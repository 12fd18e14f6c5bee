"""Pattern compilation rules: literal keys, regex safety, and regex pre-filter anchors.

A literal is matched case-insensitively as a substring of the match text, with runs of
whitespace collapsed on both sides. A regex (``{regex: '...'}`` in YAML) is a Python
``re`` expression, case-insensitive, searched in the same match text of one line. To
keep the one-pass design, every regex must contain a literal of at least
``MIN_ANCHOR`` characters that each match includes (or one per alternative), not a
word as common in logs as ``error`` or ``http``; the
multi-pattern matcher finds candidate lines through it and the regex runs only there.
Regexes that nest unbounded repeats (``(a+)+``, ``(.*x)*``) are rejected because they
can backtrack catastrophically; matching is also limited to ``MAX_REGEX_LINE`` chars.
"""

from __future__ import annotations

import re
from functools import cache

try:  # Python 3.11+
    import re._constants as _sre_c  # type: ignore[import-not-found]
    import re._parser as _sre_p  # type: ignore[import-not-found]
except ImportError:  # Python 3.10
    import sre_constants as _sre_c  # type: ignore[no-redef]
    import sre_parse as _sre_p  # type: ignore[no-redef]

MIN_ANCHOR = 4
#: Literals too frequent in ordinary log lines to pre-filter a regex with.
COMMON_WORDS = frozenset(
    [
        "error",
        "error:",
        "errors",
        "failed",
        "fail",
        "failure",
        "test",
        "tests",
        "test_",
        "testing",
        "pass",
        "passed",
        "example",
        "module",
        "from",
        "found",
        "found:",
        "warning",
        "info",
        "debug",
        "file",
        "line",
        "code",
        "http",
        "https",
        "http://",
        "https://",
        ".py",
        ".js",
        ".ts",
        ".java",
        ".rb",
        ".go",
        ".md",
        ".rs",
        ".swift",
        ".scala",
        ".c",
        ".h",
        ".cpp",
        "true",
        "false",
        "none",
        "null",
        "then",
        "with",
        "this",
        "that",
        "into",
        "exit",
        "done",
        "build",
        "make",
        "run",
        "running",
        "error[",
        "[error]",
        "got",
        "line:",
        "file:",
        "path",
        "version",
        "warn",
        "note",
        "note:",
        "the",
        "and",
        "for",
        "not",
    ]
)
MAX_REGEX_LINE = 8192
_WS = re.compile(r"\s+")
_REGEXY = re.compile(r"\.\*|\\[dswbDSWB.]|\[\^?[A-Za-z0-9]-[A-Za-z0-9]|\(\?[:P=!<]|\.\+|^\^|\$$")


class PatternProblem(ValueError):
    """A pattern that cannot be used; the message says why."""


def literal_key(text: str) -> str:
    """The form of a literal the matcher searches: whitespace collapsed, lower-cased."""
    return _WS.sub(" ", text.strip()).lower()


def looks_like_regex(text: str) -> bool:
    """True for a literal that was probably meant as a regex (``.*``, ``\\d``, ...)."""
    return bool(_REGEXY.search(text))


@cache
def compile_regex(source: str) -> tuple[re.Pattern[str], tuple[str, ...]]:
    """Compile a playbook regex and return it with its pre-filter anchors.

    Raises ``PatternProblem`` when the regex is invalid, unsafe, or has no anchor.
    """
    try:
        compiled = re.compile(source, re.IGNORECASE)
        tree = _sre_p.parse(source, re.IGNORECASE)
    except (re.error, OverflowError, RecursionError) as e:
        raise PatternProblem(f"invalid regular expression: {e}") from None
    if _nested_unbounded(tree, inside=False):
        raise PatternProblem("regular expression nests unbounded repeats and could backtrack catastrophically")
    anchors = {literal_key(a) for a in _anchors(list(tree)) or ()}
    if not anchors or min(len(a) for a in anchors) < MIN_ANCHOR:
        raise PatternProblem(
            f"regular expression needs a literal of at least {MIN_ANCHOR} characters that every match contains"
        )
    common = sorted(a for a in anchors if a in COMMON_WORDS)
    if common:
        raise PatternProblem(
            f"regular expression's required literal {common[0]!r} is too common in logs to find "
            "candidate lines fast; include a more specific phrase"
        )
    return compiled, tuple(sorted(anchors))


def _unbounded(op: object, av: object) -> bool:
    return op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT, getattr(_sre_c, "POSSESSIVE_REPEAT", None)) and (
        av[1] == _sre_c.MAXREPEAT  # type: ignore[index]
    )


def _children(op: object, av: object) -> list[object]:
    if op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT, getattr(_sre_c, "POSSESSIVE_REPEAT", None)):
        return [av[2]]  # type: ignore[index]
    if op == _sre_c.SUBPATTERN:
        return [av[-1]]  # type: ignore[index]
    if op == _sre_c.BRANCH:
        return list(av[1])  # type: ignore[index]
    if op in (_sre_c.ASSERT, _sre_c.ASSERT_NOT):
        return [av[1]]  # type: ignore[index]
    if op == getattr(_sre_c, "ATOMIC_GROUP", None):
        return [av]
    if op == _sre_c.GROUPREF_EXISTS:
        return [x for x in av[1:] if x is not None]  # type: ignore[index]
    return []


def _nested_unbounded(tree: object, inside: object) -> bool:
    """True when an unbounded repeat sits inside another one ambiguously.

    ``inside`` is the body of the enclosing unbounded repeat (or False). Nesting is
    allowed when every iteration of the outer repeat starts with a literal character
    that the inner repeat cannot consume (``(?:/[\\w.-]+)+``): the split is then unique.
    """
    for op, av in tree:  # type: ignore[attr-defined]
        unbounded = _unbounded(op, av)
        if unbounded and inside is not False and not _delimited(inside, av[2]):  # type: ignore[index]
            return True
        for child in _children(op, av):
            if _nested_unbounded(child, av[2] if unbounded else inside):  # type: ignore[index]
                return True
    return False


def _first_literal(body: object) -> int | None:
    items = list(body)  # type: ignore[call-overload]
    while items:
        op, av = items[0]
        if op == _sre_c.LITERAL:
            return av  # type: ignore[no-any-return]
        if op == _sre_c.SUBPATTERN:
            items = list(av[-1])
            continue
        return None
    return None


_CATEGORY_TESTS = {
    "CATEGORY_DIGIT": str.isdigit,
    "CATEGORY_NOT_DIGIT": lambda c: not c.isdigit(),
    "CATEGORY_SPACE": str.isspace,
    "CATEGORY_NOT_SPACE": lambda c: not c.isspace(),
    "CATEGORY_WORD": lambda c: c.isalnum() or c == "_",
    "CATEGORY_NOT_WORD": lambda c: not (c.isalnum() or c == "_"),
}


def _can_match(item: list[tuple[object, object]], ch: str) -> bool:
    """Whether a one-character item (literal, class, category, any) can match ``ch``."""
    if len(item) != 1:
        return True
    op, av = item[0]
    if op == _sre_c.LITERAL:
        return chr(av).lower() == ch.lower()  # type: ignore[arg-type]
    if op == _sre_c.NOT_LITERAL:
        return chr(av).lower() != ch.lower()  # type: ignore[arg-type]
    if op == _sre_c.IN:
        negate = False
        hit = False
        for iop, iav in av:  # type: ignore[attr-defined]
            if iop == _sre_c.NEGATE:
                negate = True
            elif iop == _sre_c.LITERAL:
                hit |= chr(iav).lower() == ch.lower()
            elif iop == _sre_c.RANGE:
                hit |= iav[0] <= ord(ch.lower()) <= iav[1] or iav[0] <= ord(ch.upper()) <= iav[1]
            elif iop == _sre_c.CATEGORY:
                test = _CATEGORY_TESTS.get(str(iav))
                hit |= True if test is None else bool(test(ch))
            else:
                return True
        return hit != negate
    return True


def _delimited(outer_body: object, inner_item: object) -> bool:
    first = _first_literal(outer_body)
    return first is not None and not _can_match(list(inner_item), chr(first))  # type: ignore[call-overload]


_MAX_SET = 16


def _exact(items: list[tuple[object, object]]) -> set[str] | None:
    """All strings ``items`` can match when it is a finite set of literals, else None."""
    out = {""}
    for op, av in items:
        part: set[str] | None
        if op == _sre_c.LITERAL:
            part = {chr(av)}  # type: ignore[arg-type]
        elif op == _sre_c.SUBPATTERN:
            part = _exact(list(av[-1]))  # type: ignore[index]
        elif op == _sre_c.BRANCH:
            sets = [_exact(list(b)) for b in av[1]]  # type: ignore[index]
            part = set().union(*sets) if all(x is not None for x in sets) else None  # type: ignore[arg-type]
        elif op == _sre_c.IN and all(i == _sre_c.LITERAL for i, _ in av) and len(av) <= 4:  # type: ignore[attr-defined]
            part = {chr(c) for _, c in av}  # type: ignore[attr-defined]
        elif op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT) and av[0] == 0 and av[1] == 1:  # type: ignore[index]
            inner = _exact(list(av[2]))  # type: ignore[index]
            part = None if inner is None else inner | {""}
        else:
            return None
        if part is None or len(out) * len(part) > _MAX_SET:
            return None
        out = {x + y for x in out for y in part}
    return out


def _anchors(items: list[tuple[object, object]]) -> set[str] | None:
    """A set of literals at least one of which every match of ``items`` contains.

    Consecutive literal items, small alternations (``(?:ERR!|error)``) and tiny classes
    (``40[13]``) are multiplied out, so ``npm (?:ERR!|error) 401`` yields the anchors
    ``npm err! 401`` and ``npm error 401`` rather than a bare ``npm``. Among the sets
    found, the one whose shortest literal is longest wins.
    """
    best: set[str] | None = None
    run: set[str] = {""}

    def consider(candidate: set[str] | None) -> None:
        nonlocal best
        if not candidate or not all(c.strip() for c in candidate):
            return
        if best is None or _strength(candidate) > _strength(best):
            best = candidate

    for op, av in items:
        part = _exact([(op, av)])
        if part is not None and len(run) * len(part) <= _MAX_SET:
            run = {x + y for x in run for y in part}
            continue
        if part is not None:  # too many combinations: keep this part as a run of its own
            consider(run)
            run = part
            continue
        if op == _sre_c.SUBPATTERN:
            # the group's leading literals continue the current run, its trailing ones
            # start the next: `error (?P<code>CS\d{4}): ` yields `error cs`
            inner = list(av[-1])  # type: ignore[index]
            head = _edge(inner)
            if head is not None and len(run) * len(head) <= _MAX_SET:
                run = {x + y for x in run for y in head}
            consider(run)
            consider(_anchors(inner))
            tail = _edge(inner[::-1], reverse=True)
            run = tail if tail is not None else {""}
            continue
        if op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT) and av[0] >= 1:  # type: ignore[index]
            once = _exact(list(av[2]))  # type: ignore[index]
            if once is not None and len(run) * len(once) <= _MAX_SET:
                consider({x + y for x in run for y in once})
                run = once
                continue
        consider(run)
        run = {""}
        if op == _sre_c.SUBPATTERN:
            pass
        elif op == _sre_c.BRANCH:
            sets = [_anchors(list(b)) for b in av[1]]  # type: ignore[index]
            if all(sets):
                consider(set().union(*sets))  # type: ignore[arg-type]
        elif op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT) and av[0] >= 1:  # type: ignore[index]
            consider(_anchors(list(av[2])))  # type: ignore[index]
    consider(run)
    return best


def _edge(items: list[tuple[object, object]], reverse: bool = False) -> set[str] | None:
    """The exact strings of the longest leading (or, reversed, trailing) exact run."""
    best: set[str] | None = None
    for n in range(1, len(items) + 1):
        part = _exact(items[:n][::-1] if reverse else items[:n])
        if part is None:
            break
        best = part
    return best


def _strength(anchors: set[str]) -> tuple[int, int]:
    """How well a set of anchors pre-filters: common words are weak whatever their length."""
    keys = {literal_key(a) for a in anchors}
    common = sum(1 for k in keys if k in COMMON_WORDS)
    return (0 if common else 1, min(len(k) for k in keys))
