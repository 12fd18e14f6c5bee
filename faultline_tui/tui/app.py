"""The viewer's App: loads the log in a worker, shows the main screen, reports errors.

Kept thin on purpose: the main screen owns what is selected and shown; this class
starts the loading worker, forwards its messages, copies text and runs the editor, and
is the one place errors reach the user.
"""

from __future__ import annotations

import os
import subprocess
import sys
from multiprocessing import resource_tracker
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import App, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.worker import get_current_worker

from faultline_tui.engine.errors import FaultlineError
from faultline_tui.engine.logs import LogFile, open_log
from faultline_tui.engine.matching import PARALLEL_MIN_BYTES
from faultline_tui.tui.clipboard import copy_with_command, system_clipboard_command
from faultline_tui.tui.editor import editor_command
from faultline_tui.tui.loader import LogLoader
from faultline_tui.tui.screens.error_screen import ErrorScreen
from faultline_tui.tui.screens.help_screen import HelpScreen
from faultline_tui.tui.screens.main_screen import MainScreen

STYLES = Path(__file__).parent / "styles"


def _short(text: str, width: int = 60) -> str:
    one_line = " ⏎ ".join(text.strip().splitlines())
    return one_line if len(one_line) <= width else one_line[: width - 1] + "…"


class FaultlineApp(App[int]):
    """``faultline-tui build.log``: from a failed build to the fix command."""

    TITLE = "faultline-tui"
    CSS_PATH: ClassVar = [STYLES / "app.tcss", STYLES / "main.tcss", STYLES / "dialogs.tcss"]
    HORIZONTAL_BREAKPOINTS: ClassVar = [(0, "-narrow"), (120, "-wide")]
    ENABLE_COMMAND_PALETTE = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "quit"),
        Binding("question_mark", "help", "help"),
    ]

    def __init__(
        self,
        log_path: str,
        playbook_dirs: list[str],
        log: LogFile | None = None,
        open_error: str | None = None,
    ) -> None:
        super().__init__()
        self.log_path = log_path
        self.playbook_dirs = playbook_dirs
        self._preopened = log
        self._open_error = open_error
        self.file_name = log.name if log is not None else _display_name(log_path)
        #: the system clipboard tool is skipped in headless runs (tests, screenshots)
        self.use_system_clipboard = True

    @property
    def main_screen(self) -> MainScreen:
        return self.get_screen("main")  # type: ignore[return-value]

    def on_mount(self) -> None:
        self.install_screen(MainScreen(self.file_name), "main")
        self.push_screen("main")
        self.load()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load(self) -> None:
        """Open, index and diagnose the log (a thread worker; posts LogLoader messages)."""
        worker = get_current_worker()
        if self._open_error is not None:
            self.post_message(LogLoader.Failed(self._open_error))
            return
        LogLoader(
            self.log_path,
            self.playbook_dirs,
            self.post_message,
            lambda: worker.is_cancelled,
            log=self._preopened,
        ).run()

    # -- loader messages -------------------------------------------------------------
    def on_log_loader_progress(self, message: LogLoader.Progress) -> None:
        self.main_screen.show_progress(message.stage, message.fraction)

    def on_log_loader_previewed(self, message: LogLoader.Previewed) -> None:
        self.main_screen.show_preview(message.preview)

    def on_log_loader_indexed(self, message: LogLoader.Indexed) -> None:
        self.main_screen.show_log(message.log)

    def on_log_loader_diagnosed(self, message: LogLoader.Diagnosed) -> None:
        self.main_screen.show_diagnosis(message.diagnosis)
        if message.notices:
            more = f" (+{len(message.notices) - 3} more)" if len(message.notices) > 3 else ""
            self.notify("\n".join(message.notices[:3]) + more, title="Playbooks", severity="warning", markup=False)

    def on_log_loader_failed(self, message: LogLoader.Failed) -> None:
        self.show_error(message.error, fatal=True)

    # -- the one place errors are shown ----------------------------------------------
    def show_error(self, message: str, *, fatal: bool = False) -> None:
        """Tell the user what went wrong; a fatal error ends the app (exit status 2)."""
        if fatal:
            final = f"faultline-tui: {message}"
            self.push_screen(ErrorScreen(message), lambda _: self.exit(2, return_code=2, message=final))
        else:
            self.notify(message, severity="error", timeout=6, markup=False)

    # -- services for the screens ----------------------------------------------------
    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def copy_text(self, text: str, what: str) -> None:
        """Copy through the terminal (OSC 52) and the system clipboard tool, if any."""
        self.copy_to_clipboard(text)
        command = system_clipboard_command() if self.use_system_clipboard and not self.is_headless else None
        if command is not None:
            self._copy_with_tool(command, text)
        self.notify(_short(text), title=f"Copied {what}", timeout=4, markup=False)

    @work(thread=True, group="clipboard", exit_on_error=False)
    def _copy_with_tool(self, command: list[str], text: str) -> None:
        try:
            copy_with_command(command, text)
        except (OSError, subprocess.SubprocessError) as e:
            self.call_from_thread(self.show_error, f"{command[0]} failed: {e} (copied through the terminal only)")

    def open_in_editor(self, log: LogFile, line: int) -> None:
        """Suspend the app, run ``$EDITOR +line path``, and come back."""
        if log.compressed_or_stream:
            self.show_error("This log came from standard input or a compressed file: there is no file to edit")
            return
        argv = editor_command(log.path, line)
        try:
            with self.suspend():
                code = subprocess.call(argv)
        except SuspendNotSupported:
            self.show_error("The editor cannot run here: this terminal cannot suspend the app")
            return
        except OSError as e:
            self.show_error(f"Cannot run {argv[0]}: {e.strerror or e}")
            return
        if code != 0:
            self.notify(f"{argv[0]} exited with status {code}", severity="warning", timeout=4)


def _display_name(log_path: str) -> str:
    if log_path == "-":
        return "<stdin>"
    name = os.path.basename(log_path.rstrip("/")) or log_path
    for suffix in (".gz", ".bz2", ".xz"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _reattach_terminal() -> None:
    """After reading the log from a pipe, read keys from the terminal instead."""
    if sys.stdin.isatty():
        return
    try:
        tty = os.open("/dev/tty", os.O_RDONLY)
    except OSError:
        return  # no terminal at all: the app will say so when it starts
    os.dup2(tty, 0)
    os.close(tty)


def _start_resource_tracker(log_path: str) -> None:
    """Start multiprocessing's resource tracker now, while stderr is still the terminal.

    The engine scans big files in worker processes. The first pool started in a
    process also starts the tracker, handing it ``sys.stderr.fileno()``; inside a
    running Textual app stderr is a capture object whose ``fileno()`` is -1, and
    starting the tracker then fails ("bad value(s) in fds_to_keep").
    """
    try:
        if log_path == "-" or os.path.getsize(log_path) < PARALLEL_MIN_BYTES:
            return
        resource_tracker.ensure_running()
    except (OSError, ValueError):
        pass  # the engine falls back to scanning in-process


def build_app(log_path: str, playbook_dirs: list[str], log: LogFile | None = None) -> FaultlineApp:
    """The viewer for ``log_path``, used by the CLI and the tests alike.

    ``-`` reads standard input before the app starts (then keys come from the
    terminal); a caller that already opened the log (standard input can be read only
    once) passes it as ``log``. The app's return code is 2 when the log cannot be read.
    """
    error: str | None = None
    _start_resource_tracker(log_path)
    if log_path == "-":
        if log is None:
            # standard input must be read before the app takes the terminal over
            try:
                log = open_log("-")
            except FaultlineError as e:
                error = str(e)  # shown by the app, in the same place as every other error
        _reattach_terminal()
    return FaultlineApp(log_path, playbook_dirs, log=log, open_error=error)
