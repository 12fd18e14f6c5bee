"""Shared fixtures: small logs written to tmp_path, and the repository paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(autouse=True, scope="session")
def _private_playbook_cache(tmp_path_factory: pytest.TempPathFactory):
    """Parsed-playbook caches of the test run go to a temporary folder, not the user's."""
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old


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
