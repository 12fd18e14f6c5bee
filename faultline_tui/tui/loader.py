"""Reading, indexing and diagnosing a log off the event loop.

``LogLoader.run`` is the body of a thread worker. It never touches a widget: it posts
messages (nested here) to the app, which hands the results down to the main screen.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.message import Message

from faultline_tui.engine.diagnosis import diagnose
from faultline_tui.engine.errors import FaultlineError
from faultline_tui.engine.logs import LogFile, open_log
from faultline_tui.engine.models import Diagnosis
from faultline_tui.engine.playbooks import load_catalog
from faultline_tui.tui.preview import LogPreview


class Cancelled(Exception):
    """The worker was cancelled (the app is closing); stop quietly."""


class LogLoader:
    """Opens ``log_path``, builds its line index, loads the catalog and diagnoses."""

    class Progress(Message):
        """Work in progress: ``stage`` is a word, ``fraction`` in [0, 1] or ``None``."""

        def __init__(self, stage: str, fraction: float | None) -> None:
            super().__init__()
            self.stage = stage
            self.fraction = fraction

        def can_replace(self, message: Message) -> bool:
            # only the latest progress matters: coalesce a burst of updates
            return isinstance(message, LogLoader.Progress)

    class Previewed(Message):
        """The first lines of the log, to show while it is indexed."""

        def __init__(self, preview: LogPreview) -> None:
            super().__init__()
            self.preview = preview

    class Indexed(Message):
        """The log is open and indexed: it can be shown."""

        def __init__(self, log: LogFile) -> None:
            super().__init__()
            self.log = log

    class Diagnosed(Message):
        """The diagnosis is ready; ``notices`` are the catalog's one-line warnings."""

        def __init__(self, diagnosis: Diagnosis, notices: list[str]) -> None:
            super().__init__()
            self.diagnosis = diagnosis
            self.notices = notices

    class Failed(Message):
        """The log could not be read or diagnosed; ``error`` says why in one line."""

        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    def __init__(
        self,
        log_path: str,
        playbook_dirs: list[str],
        post: Callable[[Message], object],
        is_cancelled: Callable[[], bool],
        log: LogFile | None = None,
    ) -> None:
        self._log_path = log_path
        self._playbook_dirs = playbook_dirs
        self._post = post
        self._is_cancelled = is_cancelled
        self._log = log

    def _progress(self, stage: str) -> Callable[[float], None]:
        def report(fraction: float) -> None:
            if self._is_cancelled():
                raise Cancelled
            self._post(self.Progress(stage, fraction))

        return report

    def run(self) -> None:
        """Do everything, posting messages; errors end up in ``Failed``."""
        try:
            self._post(self.Progress("reading", None))
            if self._log is None:
                preview = LogPreview.read(self._log_path)
                if preview is not None:
                    self._post(self.Previewed(preview))
            log = self._log if self._log is not None else open_log(self._log_path)
            log.build_index(self._progress("indexing"))
            self._post(self.Indexed(log))
            self._post(self.Progress("loading playbooks", None))
            catalog = load_catalog(extra_dirs=self._playbook_dirs)
            self._post(self.Progress("diagnosing", 0.0))
            diagnosis = diagnose(log, catalog, progress=self._progress("diagnosing"))
            self._post(self.Diagnosed(diagnosis, list(catalog.notices)))
        except Cancelled:
            return
        except FaultlineError as e:
            self._post(self.Failed(str(e)))
        except (OSError, ValueError, MemoryError) as e:
            # not expected from the engine, but a viewer must say why it stopped
            self._post(self.Failed(f"{self._log_path}: {e}"))
