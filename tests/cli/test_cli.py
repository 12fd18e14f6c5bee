"""The command line, run through the installed console script."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
EXE = shutil.which("faultline-tui", path=os.path.dirname(sys.executable)) or "faultline-tui"


def run(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    e = {**os.environ, "NO_COLOR": "1", **(env or {})}
    e.pop("FAULTLINE_TUI_PLAYBOOKS", None)
    return subprocess.run([EXE, *args], input=stdin, capture_output=True, env=e, timeout=120)


def test_analyze_json_contract():
    """analyze --json prints the analysis contract with physical line numbers."""
    p = run("analyze", "--json", str(EXAMPLES / "pip-hash-mismatch.log"))
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data["schema"] == "faultline-tui/analysis@1"
    assert set(data) >= {"source", "focus_line", "findings", "suspects", "elapsed_ms"}
    top = data["findings"][0]
    assert top["id"] == "pip-hash-mismatch"
    assert set(top) >= {"id", "title", "category", "severity", "score", "confidence", "evidence"}
    lines = (EXAMPLES / "pip-hash-mismatch.log").read_text().splitlines()
    for ev in top["evidence"]:
        assert ev["text"] and ev["text"][:20] in lines[ev["line"] - 1]
    assert data["focus_line"] in {ev["line"] for ev in top["evidence"]}


def test_analyze_json_is_byte_identical_across_runs():
    """The same input gives the same JSON apart from elapsed_ms."""
    outs = []
    for _ in range(2):
        data = json.loads(run("analyze", "--json", str(EXAMPLES / "jest-missing-module.log")).stdout)
        data.pop("elapsed_ms")
        outs.append(json.dumps(data))
    assert outs[0] == outs[1]


def test_analyze_text_shows_finding_evidence_and_fix():
    """The text report names the finding, its evidence lines and the first fix steps."""
    p = run("analyze", str(EXAMPLES / "pip-hash-mismatch.log"))
    out = p.stdout.decode()
    assert p.returncode == 0
    assert "[pip-hash-mismatch]" in out and "confidence" in out and "evidence:" in out and "fix:" in out
    assert "\x1b[" not in out  # no colour into a pipe
    # a line that two patterns hit (line 65: the artifact warning) is listed once
    assert out.count("65: No files were found with the provided path") == 1


def test_stdin_and_compressed_input(tmp_path):
    """'-' reads standard input; gzip is recognised by its magic bytes."""
    raw = (EXAMPLES / "pip-hash-mismatch.log").read_bytes()
    gz = tmp_path / "log.bin"
    gz.write_bytes(gzip.compress(raw))
    a = json.loads(run("analyze", "--json", "-", stdin=raw).stdout)
    b = json.loads(run("analyze", "--json", str(gz)).stdout)
    assert a["findings"][0]["id"] == b["findings"][0]["id"] == "pip-hash-mismatch"
    assert a["focus_line"] == b["focus_line"]


def test_no_match_lists_suspects():
    """A log no playbook knows still yields suspects and a focus line."""
    data = json.loads(run("analyze", "--json", str(EXAMPLES / "no-match.log")).stdout)
    assert data["findings"] == []
    assert data["suspects"] and data["focus_line"] == data["suspects"][0]["line"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("analyze", "/no/such.log"), 2, "no such file"),
        (("analyze",), 2, "required"),
        (("explain", "no-such-id"), 2, "unknown playbook id"),
        (("analyze", "--top", "x", "a.log"), 2, "invalid int"),
        (("./list",), 2, "./list: no such file"),
        (("playbooks", "check", "/no/such/dir"), 2, "not a folder"),
        (("analyze", "--playbooks", "/no/such/dir", str(EXAMPLES / "no-match.log")), 2, "not found"),
    ],
)
def test_errors_are_one_line_with_documented_exit_code(args, code, message):
    """Bad input gives one stderr line, no traceback, and exit code 2."""
    p = run(*args)
    err = p.stderr.decode()
    assert p.returncode == code
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_log_named_like_a_subcommand_opens_as_a_log(tmp_path, monkeypatch):
    """'./list' is a path, not the list subcommand: it goes to the viewer."""
    from faultline_tui import cli

    opened = []
    monkeypatch.setattr(cli, "cmd_view", lambda argv: opened.append(list(argv)) or 0)
    assert cli.main(["./list"]) == 0 and opened == [["./list"]]
    assert cli.main(["list", "--json"]) == 0 and len(opened) == 1


def test_explain_list_and_fix():
    """explain shows a playbook, list filters by category, fix prints only the fix."""
    e = run("explain", "pip-hash-mismatch").stdout.decode()
    assert "## Diagnosis" in e and "## Fix" in e
    j = json.loads(run("list", "--json", "--category", "build").stdout)
    assert j and all(r["category"] == "build" for r in j)
    f = run("fix", str(EXAMPLES / "pip-hash-mismatch.log")).stdout.decode()
    assert f.startswith("# ") and "pip-hash-mismatch" in f and "## Diagnosis" not in f


def test_explain_with_log_fills_placeholders():
    """explain --log fills {name} placeholders with values captured from the log."""
    data = json.loads(
        run("explain", "pip-hash-mismatch", "--json", "--log", str(EXAMPLES / "pip-hash-mismatch.log")).stdout
    )
    assert any("werkzeug" in c["text"] for c in data["commands"])


def test_playbooks_check_exit_codes(tmp_path):
    """playbooks check exits 0 on a clean folder and 1 when it finds problems."""
    assert run("playbooks", "check").returncode == 0
    (tmp_path / "bad.yaml").write_text("id: bad\ntitle: x\n")
    p = run("playbooks", "check", str(tmp_path))
    assert p.returncode == 1 and "bad.yaml" in p.stdout.decode()


def test_user_playbooks_override_with_notice(tmp_path):
    """--playbooks DIR adds playbooks; a same-id one overrides the bundled one with a notice."""
    (tmp_path / "pip-hash-mismatch.yaml").write_text(
        "id: pip-hash-mismatch\ntitle: Ours\ncategory: build\nseverity: low\nsummary: s\n"
        "diagnosis: d\nfix: f\nvalidation: v\nmatch:\n  any: ['DO NOT MATCH THE HASHES']\n"
    )
    p = run("analyze", "--json", "--playbooks", str(tmp_path), str(EXAMPLES / "pip-hash-mismatch.log"))
    titles = {f["id"]: f["title"] for f in json.loads(p.stdout)["findings"]}
    assert titles["pip-hash-mismatch"] == "Ours"
    assert "overrides" in p.stderr.decode()


def test_python_dash_m_works():
    """python -m faultline_tui is the same command."""
    p = subprocess.run([sys.executable, "-m", "faultline_tui", "list"], capture_output=True, timeout=60)
    assert p.returncode == 0 and b"pip-hash-mismatch" in p.stdout
