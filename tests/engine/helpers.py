"""Build catalogs from inline YAML for engine tests."""

from __future__ import annotations

from pathlib import Path

from faultline_tui.engine.playbooks import Catalog, load_folder

BODY = """
title: {title}
category: build
severity: high
summary: s
diagnosis: d
fix: |
  1. Do it:

     ```bash
     echo fix {{thing}}
     ```
validation: v
"""


def catalog_from(tmp_path: Path, **matches: str) -> Catalog:
    """A catalog of playbooks ``id: <match YAML>`` written to tmp_path/pb."""
    folder = tmp_path / "pb"
    folder.mkdir(exist_ok=True)
    for pid, match in matches.items():
        pid = pid.replace("_", "-")
        text = (
            f"id: {pid}\n"
            + BODY.format(title=pid)
            + "match:\n"
            + "\n".join("  " + line for line in match.strip().splitlines())
        )
        (folder / f"{pid}.yaml").write_text(text + "\n")
    result = load_folder(folder, strict=True)
    assert not result.problems, result.problems
    return Catalog({p.id: p for p in result.playbooks})
