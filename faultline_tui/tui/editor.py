"""``o``: the command that opens the user's editor at a line (``+N path``)."""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping


def editor_command(path: str, line: int, env: Mapping[str, str] | None = None) -> list[str]:
    """``$VISUAL`` or ``$EDITOR`` (which may carry arguments), falling back to ``vi``."""
    env = os.environ if env is None else env
    editor = env.get("VISUAL") or env.get("EDITOR") or "vi"
    return [*shlex.split(editor), f"+{line}", path]
