"""Shared fixtures: small logs written to tmp_path, and the repository paths."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture
def write_log(tmp_path: Path):
    """Write text (or bytes) to a log file in tmp_path and return its path."""

    def write(content: str | bytes, name: str = "build.log") -> Path:
        path = tmp_path / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8", newline="")
        else:
            path.write_bytes(content)
        return path

    return write
