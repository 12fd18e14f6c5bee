"""The engine stays pure: importing it loads neither Textual nor Rich."""

from __future__ import annotations

import subprocess
import sys


def test_engine_import_loads_no_ui_library():
    """`import faultline_tui.engine` in a fresh interpreter imports no textual or rich module."""
    code = (
        "import sys, faultline_tui.engine, faultline_tui.engine.diagnosis;"
        "bad=[m for m in sys.modules if m.split('.')[0] in ('textual','rich')];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
