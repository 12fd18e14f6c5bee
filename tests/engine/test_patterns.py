"""Regex rules: validity, catastrophic-backtracking rejection, pre-filter anchors."""

from __future__ import annotations

import pytest

from faultline_tui.engine.patterns import PatternProblem, compile_regex, literal_key, looks_like_regex


@pytest.mark.parametrize(
    ("source", "anchors"),
    [
        (r"Expected sha256 (?P<hash>[0-9a-f]{64})", ("expected sha256",)),
        (r"(?:npm ERR!|npm error) code (?P<code>E\w+)", ("npm err! code e", "npm error code e")),
        (r"npm (?:ERR!|error) 40[13] ", ("npm err! 401", "npm err! 403", "npm error 401", "npm error 403")),
        (r"\berror (?P<code>CS\d{4}): ", ("error cs",)),
        (r"(?P<file>[\w./-]+\.pyi?):(?P<line>\d+): ", (".py:", ".pyi:")),
        (r"(?:ECONNREFUSED|connection refused)", ("connection refused", "econnrefused")),
        (r"^--- FAIL: (?P<test>\w+(?:/[\w.-]+)+) \(", ("--- fail:",)),
    ],
)
def test_regex_anchors(source, anchors):
    """Every regex yields the literals the matcher pre-filters lines with."""
    assert compile_regex(source)[1] == anchors


@pytest.mark.parametrize(
    ("source", "why"),
    [
        (r"(a+)+b", "catastroph"),
        (r"(x.*y)*zzz", "catastroph"),
        (r"error (\w+\s?)*done", "catastroph"),
        (r"ab", "literal of at least"),
        (r"^FAIL\s+(?P<pkg>\S+)", "too common"),
        (r"(?P<url>https://\S+) 404", "literal of at least"),
        (r"\d+\.\d+", "literal of at least"),
        (r"unclosed (group", "invalid regular expression"),
    ],
)
def test_unsafe_or_invalid_regexes_are_rejected(source, why):
    """Invalid, anchorless and catastrophic regexes are refused at load time."""
    with pytest.raises(PatternProblem, match=why):
        compile_regex(source)


@pytest.mark.parametrize(
    ("text", "key", "regexy"),
    [
        ("  Connection   REFUSED ", "connection refused", False),
        ("SUITE:.*failed", "suite:.*failed", True),
        (r"exit code \d+", r"exit code \d+", True),
        ("npm ERR! code E404", "npm err! code e404", False),
    ],
)
def test_literal_keys(text, key, regexy):
    """Literals are lower-cased with whitespace collapsed; regex-looking ones are flagged."""
    assert literal_key(text) == key
    assert looks_like_regex(text) is regexy
