"""Diagnosis: match rules, ranking, confidence, suspects, focus line, fix commands."""

from __future__ import annotations

import os

import pytest

from faultline_tui.engine.commands import fix_commands, playbook_markdown
from faultline_tui.engine.diagnosis import diagnose
from faultline_tui.engine.logs import log_from_text

from .helpers import catalog_from

RULES = {
    "any_one": 'any: ["disk quota exceeded"]',
    "all_two": 'all: ["cannot connect to the docker daemon", "is the docker daemon running"]',
    "partial_two": "partial:\n  - id: g\n    label: g\n    minimum: 2\n"
    '    patterns: ["alpha signal", "beta signal", "gamma signal"]',
    "vetoed": 'any: ["shared symptom here"]\nnone: ["but actually fine"]',
}


@pytest.mark.parametrize(
    ("log", "found"),
    [
        ("x\nDisk quota exceeded while writing\n", {"any-one"}),
        ("Cannot connect to the Docker daemon at unix:///var/run/docker.sock.\n", set()),
        (
            "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n",
            {"all-two"},
        ),
        ("alpha signal\n", set()),
        ("alpha signal\nsomething\ngamma signal\n", {"partial-two"}),
        ("shared symptom here\n", {"vetoed"}),
        ("shared symptom here\nbut actually fine\n", set()),
    ],
)
def test_match_rules(tmp_path, log, found):
    """any needs one hit, all needs every pattern, partial its minimum, none vetoes."""
    catalog = catalog_from(tmp_path, **RULES)
    diag = diagnose(log_from_text(log), catalog)
    assert {f.id for f in diag.findings} == found


def test_every_occurrence_is_a_hit_with_line_and_columns(tmp_path):
    """Each occurrence of a pattern is a hit with its physical line and display span."""
    catalog = catalog_from(tmp_path, q='any: ["quota exceeded"]')
    log = log_from_text("\x1b[31mERROR\x1b[0m: quota exceeded; quota EXCEEDED\nok\r\n\nquota exceeded\n")
    diag = diagnose(log, catalog)
    hits = [(h.line, h.start, h.end) for h in diag.findings[0].hits]
    assert hits == [(1, 7, 21), (1, 23, 37), (4, 0, 14)]
    assert log.display_line(1)[7:21] == "quota exceeded"


def test_regex_named_groups_fill_fix_commands(tmp_path):
    """Named regex groups become captures that fill {name} placeholders in commands."""
    catalog = catalog_from(tmp_path, r="any:\n  - regex: 'No matching distribution found for (?P<thing>[\\w-]+)'")
    diag = diagnose(log_from_text("ERROR: No matching distribution found for left-pad\n"), catalog)
    finding = diag.findings[0]
    assert dict(finding.captures) == {"thing": "left-pad"}
    assert [c.text for c in fix_commands(finding)] == ["echo fix left-pad"]
    assert "echo fix <thing>" in playbook_markdown(finding.playbook)


def test_scope_step_requires_signals_in_one_step(tmp_path):
    """A step-scoped playbook needs all its patterns inside one and the same step."""
    catalog = catalog_from(tmp_path, silent='all: ["pytest -q", "no tests ran"]\nscope: step')
    split = "##[group]Run pytest -q\nstarting\n##[group]Run other\nno tests ran\n"
    same = "##[group]Run pytest -q\nno tests ran in 0.01s\n##[group]Run other\nok\n"
    assert diagnose(log_from_text(split), catalog).findings == ()
    assert [f.id for f in diagnose(log_from_text(same), catalog).findings] == ["silent"]


def test_hit_near_failure_outranks_setup_noise(tmp_path):
    """A hit right before the failing exit outranks an equal hit in earlier setup."""
    catalog = catalog_from(tmp_path, early='any: ["warning retrying download"]', late='any: ["fatal linker problem"]')
    text = "\n".join(
        ["warning retrying download"]
        + [f"setup {i}" for i in range(300)]
        + ["$ make", "fatal linker problem", 'The command "make" exited with 2.']
    )
    diag = diagnose(log_from_text(text), catalog)
    assert [f.id for f in diag.findings] == ["late", "early"]
    assert diag.focus_line == 303


@pytest.mark.parametrize(
    "verdict",
    [
        "##[error]The process '/usr/bin/bash' failed with exit code 2",  # Azure task, GitHub action
        "##[error]Bash exited with code '2'.",
        "Error: Process completed with exit code 2.",
        "ERROR: Job failed: exit code 2",
    ],
)
def test_runner_verdict_is_the_failure_point(tmp_path, verdict):
    """The runner's verdict marks where the job failed, not a tool's earlier
    ``exit status`` remark: the hit just before the verdict outranks setup noise."""
    catalog = catalog_from(tmp_path, noise='any: ["warning retrying download"]', cause='any: ["fatal linker problem"]')
    text = "\n".join(
        ["warning retrying download", "pip: optional step ended with exit status 3, ignored"]
        + [f"setup {i}" for i in range(300)]
        + ["$ make", "fatal linker problem", verdict, "Finishing: job"]
    )
    diag = diagnose(log_from_text(text), catalog)
    assert [f.id for f in diag.findings] == ["cause", "noise"]
    assert diag.focus_line == 304


def test_rich_rule_far_from_the_failure_loses_to_a_plain_error_at_it(tmp_path):
    """A playbook whose every rule holds in an early setup step (a cache miss) does not
    outweigh one specific error right before the failing exit."""
    catalog = catalog_from(
        tmp_path,
        cache_miss='all: ["Run actions/cache@v4", "Cache not found for input keys"]',
        tool_missing='any: ["npm ERR! could not determine executable to run"]',
    )
    text = "\n".join(
        ["##[group]Run actions/cache@v4", "Cache not found for input keys: npm-Linux-abc", "##[endgroup]"]
        + ["##[group]Run npm ci"]
        + [f"npm install output {i}" for i in range(200)]
        + ["##[endgroup]", "##[group]Run npx jest", "npm ERR! could not determine executable to run"]
        + ["##[error]Process completed with exit code 1."]
    )
    diag = diagnose(log_from_text(text), catalog)
    assert [f.id for f in diag.findings] == ["tool-missing", "cache-miss"]


def test_ranking_is_deterministic_and_confidence_bounded(tmp_path):
    """The same input gives the same ranking; confidences lie in [0, 1], best first."""
    catalog = catalog_from(tmp_path, a='any: ["same phrase"]', b='any: ["same phrase"]')
    runs = [diagnose(log_from_text("same phrase\n"), catalog) for _ in range(3)]
    assert len({tuple((f.id, f.score, f.confidence) for f in d.findings) for d in runs}) == 1
    ids = [f.id for f in runs[0].findings]
    assert ids == ["a", "b"]
    assert all(0.0 <= f.confidence <= 1.0 for f in runs[0].findings)


@pytest.mark.parametrize(
    ("log", "first_suspect"),
    [
        ("step 1\nTraceback (most recent call last):\n  File x\nValueError: bad\nexit status 1\n", 2),
        ("compile a\nsrc/x.c:3:1: error: expected ';'\nmake: *** [x.o] Error 1\n", 2),
        ("all good\n0 errors, 0 failed\nfinished\n", None),
    ],
)
def test_suspects_without_playbooks(tmp_path, log, first_suspect):
    """Error-like lines are found without any playbook, best first; success lines are not."""
    catalog = catalog_from(tmp_path, unrelated='any: ["never in these logs"]')
    diag = diagnose(log_from_text(log), catalog)
    got = diag.suspects[0].line if diag.suspects else None
    assert got == first_suspect
    if first_suspect:
        assert diag.focus_line == diag.suspects[0].line
        assert first_suspect in diag.error_lines


def test_empty_log_has_no_focus(tmp_path):
    """An empty log gives no findings, no suspects and a null focus line."""
    diag = diagnose(log_from_text(""), catalog_from(tmp_path, a='any: ["x y z"]'))
    assert (diag.findings, diag.suspects, diag.focus_line, diag.lines) == ((), (), None, 0)


def test_fallback_matcher_agrees_with_fast_path(tmp_path):
    """The pure-Python scan finds exactly the hits the Aho-Corasick path finds."""
    from faultline_tui.engine.diagnosis import MARKERS
    from faultline_tui.engine.matching import Matcher

    catalog = catalog_from(tmp_path, **RULES)
    text = "Disk quota exceeded\nalpha signal\nbeta signal\nshared symptom here\nerror: x\n" * 3
    pbs = sorted(catalog.playbooks.values(), key=lambda p: p.id)
    fast = Matcher(pbs, MARKERS).scan(log_from_text(text))
    slow = Matcher(pbs, MARKERS, use_fast=False).scan(log_from_text(text))
    assert fast.hits == slow.hits and fast.markers == slow.markers


def test_context_patterns_only_guess_when_nothing_matched(tmp_path):
    """Context hits alone give a low-confidence finding, and only when no signal matched."""
    catalog = catalog_from(
        tmp_path,
        upload='any: ["artifact upload failed hard"]\ncontext: ["actions/upload-artifact"]',
        other='any: ["disk quota exceeded"]',
    )
    guess = diagnose(log_from_text("- uses: actions/upload-artifact@v4\n  with:\n    path: dist/\n"), catalog)
    assert [(f.id, f.basis) for f in guess.findings] == [("upload", "context")]
    assert guess.findings[0].confidence <= 0.3
    both = diagnose(log_from_text("uses: actions/upload-artifact@v4\ndisk quota exceeded\n"), catalog)
    assert [(f.id, f.basis) for f in both.findings] == [("other", "signal")]
    full = diagnose(log_from_text("uses: actions/upload-artifact@v4\nartifact upload failed hard\n"), catalog)
    assert full.findings[0].basis == "signal" and len(full.findings[0].hits) == 2


def test_parallel_scan_agrees_with_sequential(tmp_path, monkeypatch):
    """A large log scanned by worker processes gives the same hits, markers and index."""
    import faultline_tui.engine.logs as logs
    from faultline_tui.engine import matching
    from faultline_tui.engine.diagnosis import MARKERS
    from faultline_tui.engine.logs import open_log

    catalog = catalog_from(tmp_path, **RULES)
    block = "".join(f"line {i} ok\n" for i in range(997))
    text = (block + "Disk quota exceeded\n$ make\nalpha signal\nerror: x\n") * 40
    path = tmp_path / "big.log"
    path.write_text(text)
    pbs = sorted(catalog.playbooks.values(), key=lambda p: p.id)
    monkeypatch.setattr(logs, "CHUNK_SIZE", 4096)
    with open_log(str(path)) as log:
        seq = matching.Matcher(pbs, MARKERS).scan(log)
        seq_index = [log.raw_line(n) for n in (1, 999, log.line_count)]
    monkeypatch.setattr(matching, "PARALLEL_MIN_BYTES", 1)
    with open_log(str(path)) as log:
        par = matching.Matcher(pbs, MARKERS).scan(log)
        assert [log.raw_line(n) for n in (1, 999, log.line_count)] == seq_index
    assert (seq.workers, par.workers) == (1, min(os.cpu_count() or 1, 4))
    assert par.hits == seq.hits and par.markers == seq.markers
    assert par.step_starts == seq.step_starts and par.lines == seq.lines


def test_frequent_regex_hits_keep_their_lines(tmp_path):
    """A regex run over a whole chunk (frequent anchor) reports the line of its text,
    not the blank line its leading \\s* started on."""
    catalog = catalog_from(tmp_path, boom="any:\n  - regex: '^\\s*boom number (?P<n>\\d+)'")
    text = "".join(f"\nboom number {i}\n" for i in range(40))
    diag = diagnose(log_from_text(text), catalog)
    assert diag.findings[0].hit_lines == tuple(range(2, 81, 2))


def test_cause_inside_a_test_report_outranks_the_report(tmp_path):
    """A specific cause found inside a test runner's report ranks above the report."""
    folder = tmp_path / "pb"
    catalog_from(
        tmp_path,
        report='any: ["tests failed in run", "short test summary info", "= failures ="]',
        cause="any: [\"no such file or directory: 'ffmpeg'\"]",
    )
    path = folder / "report.yaml"
    path.write_text(path.read_text().replace("title: report", "title: report\ntags: [test-report]"))
    from faultline_tui.engine.playbooks import Catalog, load_folder

    catalog = Catalog({p.id: p for p in load_folder(folder).playbooks})
    text = (
        "= FAILURES =\nE FileNotFoundError: No such file or directory: 'ffmpeg'\n"
        "short test summary info\n1 tests failed in run\n"
    )
    assert [f.id for f in diagnose(log_from_text(text), catalog).findings] == ["cause", "report"]
    alone = "= FAILURES =\nshort test summary info\n1 tests failed in run\n"
    assert [f.id for f in diagnose(log_from_text(alone), catalog).findings] == ["report"]
