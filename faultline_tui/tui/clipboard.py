"""Copying through the system clipboard tool, next to the terminal's OSC 52.

OSC 52 (``App.copy_to_clipboard``) reaches the clipboard of the machine the terminal
runs on, even over ssh, but some terminals ignore it; a local clipboard tool covers
those. Both are tried; neither may block the viewer.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping

# (command, environment variable that must be set for it to work, or "")
_TOOLS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("wl-copy",), "WAYLAND_DISPLAY"),
    (("xclip", "-selection", "clipboard"), "DISPLAY"),
    (("xsel", "-b", "-i"), "DISPLAY"),
    (("pbcopy",), ""),
    (("clip.exe",), ""),
)


def system_clipboard_command(env: Mapping[str, str] | None = None) -> list[str] | None:
    """The first clipboard tool that is installed and can reach a display, if any."""
    env = os.environ if env is None else env
    for argv, needs in _TOOLS:
        if needs and not env.get(needs):
            continue
        if shutil.which(argv[0]):
            return list(argv)
    return None


def copy_with_command(argv: list[str], text: str, timeout: float = 5.0) -> None:
    """Feed ``text`` to the clipboard tool (call from a thread: it waits for the tool).

    Raises ``OSError`` or ``subprocess.SubprocessError`` when the tool fails.
    """
    subprocess.run(
        argv,
        input=text.encode("utf-8"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=timeout,
        check=True,
        start_new_session=True,
    )
