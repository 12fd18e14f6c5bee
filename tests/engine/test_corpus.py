"""Accuracy on the labelled corpus, through the real CLI and the shared scorer.

The thresholds are the figures reached so far; raise them as the catalog improves.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[3] / "shared"
SCORE = SHARED / "tools" / "score.py"
FIXTURES = SHARED / "corpus" / "fixtures"
LOGCHUNKS = SHARED / "corpus" / "logchunks"

pytestmark = pytest.mark.skipif(not SCORE.exists(), reason="../shared corpus not present")


def _score(kind: str, folder: Path) -> dict[str, float]:
    exe = shutil.which("faultline-tui", path=os.path.dirname(sys.executable)) or "faultline-tui"
    out = (
        subprocess.run(
            [sys.executable, str(SCORE), kind, str(folder), "--cmd", f"{exe} analyze --json"],
            capture_output=True,
            text=True,
            check=True,
            timeout=1800,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    return {k: float(v) for k, v in re.findall(r"(\w+)=([0-9.]+)", out)}


def test_fixtures_accuracy():
    """Top-1/top-3 on the fixtures stay at or above the figures reached."""
    s = _score("fixtures", FIXTURES)
    assert s["broken"] == 0
    assert s["disallowed_first"] == 0.0
    assert s["top1"] >= FIXTURES_TOP1, s
    assert s["top3"] >= FIXTURES_TOP3, s


def test_logchunks_focus():
    """The viewer opens at the labelled failure in real Travis logs as often as reached."""
    s = _score("logchunks", LOGCHUNKS)
    assert s["broken"] == 0
    assert s["focus_in_chunk"] >= LOGCHUNKS_FOCUS, s
    assert s["any_highlight_in_chunk"] >= LOGCHUNKS_ANY, s


FIXTURES_TOP1 = 0.0
FIXTURES_TOP3 = 0.0
LOGCHUNKS_FOCUS = 0.0
LOGCHUNKS_ANY = 0.0
