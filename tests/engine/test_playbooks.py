"""Loading playbooks: validation errors name file, line and key; overrides; check."""

from __future__ import annotations

from pathlib import Path

import pytest

from faultline_tui.engine.errors import PlaybookError
from faultline_tui.engine.playbooks import bundled_dir, check_folders, load_catalog, load_folder

GOOD = """\
id: {id}
title: Something broke
category: build
severity: high
summary: s
diagnosis: d
fix: f
validation: v
match:
  any:
    - "{pattern}"
"""


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "line", "key"),
    [
        (GOOD.replace("severity: high", "severity: urgent"), 4, "severity"),
        (GOOD.replace("title: Something broke\n", ""), 1, "title"),
        (GOOD.replace('    - "{pattern}"', "    - regex: '(a+)+x'"), 11, "match.any.0.regex"),
        (GOOD.replace('    - "{pattern}"', "    - regex: '[unclosed'"), 11, "match.any.0.regex"),
        (GOOD.replace("match:", "match:\n  sometimes: []"), 10, "match.sometimes"),
        (GOOD.replace('    - "{pattern}"', "    - 42.5\n    - {{nope: 1}}"), 12, "match.any.1"),
        (GOOD + '  none:\n    - "{pattern}"\n', 13, "match.none.0"),
    ],
)
def test_invalid_playbook_error_names_file_line_key(tmp_path, text, line, key):
    """Each validation problem is reported with the file, the line and the key."""
    path = _write(tmp_path, "x.yaml", text.format(id="x", pattern="boom happened"))
    result = load_folder(tmp_path, strict=True)
    assert not result.playbooks
    err = result.problems[0]
    assert (err.path, err.line, err.key) == (str(path), line, key)
    assert str(err).startswith(f"{path}:{line}: {key}: ")


def test_invalid_yaml_reports_its_line(tmp_path):
    """A YAML syntax error names the line where the parser stopped."""
    _write(tmp_path, "x.yaml", "id: x\ntitle: [unclosed\n")
    err = load_folder(tmp_path).problems[0]
    assert err.line is not None and "invalid YAML" in str(err)


def test_invalid_file_is_skipped_and_the_rest_load(tmp_path):
    """One broken file does not stop the other playbooks from loading."""
    _write(tmp_path, "good.yaml", GOOD.format(id="good", pattern="boom happened"))
    _write(tmp_path, "bad.yaml", "id: bad\n")
    result = load_folder(tmp_path)
    assert [p.id for p in result.playbooks] == ["good"]
    assert result.problems and all(e.path.endswith("bad.yaml") for e in result.problems)


def test_user_playbook_overrides_bundled_with_notice(tmp_path):
    """A user playbook with a bundled id replaces it and says so."""
    bundled_id = sorted(p.stem for p in bundled_dir().rglob("*.yaml"))[0]
    _write(tmp_path, f"{bundled_id}.yaml", GOOD.format(id=bundled_id, pattern="custom phrase here"))
    catalog = load_catalog([str(tmp_path)], use_env=False)
    assert catalog.playbooks[bundled_id].source.startswith(str(tmp_path))
    assert any("overrides" in n and bundled_id in n for n in catalog.notices)


def test_env_var_adds_folders(tmp_path, monkeypatch):
    """FAULTLINE_TUI_PLAYBOOKS names extra folders."""
    _write(tmp_path, "env-only.yaml", GOOD.format(id="env-only", pattern="only from env"))
    monkeypatch.setenv("FAULTLINE_TUI_PLAYBOOKS", str(tmp_path))
    assert "env-only" in load_catalog().playbooks


def test_folder_without_valid_playbook_is_an_error(tmp_path):
    """A user folder with nothing loadable is refused as a whole."""
    _write(tmp_path, "bad.yaml", "id: bad\n")
    with pytest.raises(PlaybookError, match="no valid playbook"):
        load_catalog([str(tmp_path)], use_env=False)


def test_extends_inherits_missing_fields(tmp_path):
    """A child playbook inherits the fields it does not set from its parent."""
    _write(tmp_path, "base.yaml", GOOD.format(id="base", pattern="base phrase"))
    _write(tmp_path, "child.yaml", "id: child\nextends: base\ntitle: Child title\n")
    pbs = {p.id: p for p in load_folder(tmp_path).playbooks}
    assert pbs["child"].title == "Child title" and pbs["child"].fix == "f"


def test_faultline_metadata_fields_are_accepted(tmp_path):
    """Every Faultline field loads without error and is kept."""
    extra = "domain: x\nclass: y\nmode: z\nhypothesis: h\nmetadata: {a: 1}\ndetector: d\nrequires_delta: true\n"
    _write(tmp_path, "m.yaml", GOOD.format(id="m", pattern="meta phrase") + extra)
    result = load_folder(tmp_path, strict=True)
    assert not result.problems
    assert result.playbooks[0].extra["metadata"] == {"a": 1}


def test_check_flags_regex_looking_literals_and_name_mismatch(tmp_path):
    """The linter rejects literals that look like regexes and ids that differ from file names."""
    _write(tmp_path, "wrong-name.yaml", GOOD.format(id="right-name", pattern="SUITE:.*failed"))
    problems, _warnings, files, valid = check_folders([str(tmp_path)])
    messages = " | ".join(str(p) for p in problems)
    assert files == 1 and valid == 0
    assert "looks like a regular expression" in messages and "does not match the file name" in messages


def test_bundled_catalog_passes_check():
    """The shipped catalog lints clean."""
    problems, _warnings, files, valid = check_folders([str(bundled_dir())])
    assert [str(p) for p in problems] == []
    assert valid == files >= 30


def test_disk_cache_keeps_one_entry_per_folder_and_a_bounded_total(tmp_path, monkeypatch):
    """Editing a playbook replaces the folder's cache entry; old entries are pruned."""
    import os

    from faultline_tui.engine import playbooks as pb

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cache_dir = tmp_path / "cache" / "faultline-tui"
    cache_dir.mkdir(parents=True)
    for i in range(pb.CACHE_KEEP + 5):  # entries of other folders, oldest first
        stale = cache_dir / f"playbooks-{i:016x}-{i:016x}.pickle"
        stale.write_bytes(b"x")
        os.utime(stale, (1_000_000 + i, 1_000_000 + i))
    folder = tmp_path / "pb"
    folder.mkdir()
    body = "id: demo\ntitle: t\ncategory: build\nseverity: low\nsummary: s\ndiagnosis: d\nfix: f\nvalidation: v\n"
    (folder / "demo.yaml").write_text(body + "match:\n  any: ['first wording']\n")
    pb.load_folder(folder)
    (folder / "demo.yaml").write_text(body + "match:\n  any: ['second wording']\n")
    os.utime(folder / "demo.yaml", (2_000_000_000, 2_000_000_000))
    result = pb.load_folder(folder)
    assert [p.text for p in result.playbooks[0].match_any] == ["second wording"]
    entries = sorted(cache_dir.glob("playbooks-*.pickle"))
    mine = [e for e in entries if not e.name.startswith("playbooks-0000")]
    assert len(mine) == 1  # the edit replaced the folder's entry
    assert len(entries) == pb.CACHE_KEEP  # and only the newest others were kept
    assert not (cache_dir / "playbooks-0000000000000000-0000000000000000.pickle").exists()
