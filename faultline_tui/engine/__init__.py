"""The pure diagnosis engine: stdlib + PyYAML (+ ahocorasick_rs); no Textual, no Rich.

Typical use::

    catalog = load_catalog()
    with open_log("build.log") as log:
        diagnosis = diagnose(log, catalog)
"""

from faultline_tui.engine.commands import fix_commands, playbook_markdown
from faultline_tui.engine.diagnosis import diagnose
from faultline_tui.engine.errors import FaultlineError, InputError, PlaybookError, UsageError
from faultline_tui.engine.logs import LogFile, open_log
from faultline_tui.engine.models import Command, Diagnosis, Finding, Hit, Pattern, Playbook, Suspect
from faultline_tui.engine.playbooks import Catalog, load_catalog

__all__ = [
    "Catalog",
    "Command",
    "Diagnosis",
    "FaultlineError",
    "Finding",
    "Hit",
    "InputError",
    "LogFile",
    "Pattern",
    "Playbook",
    "PlaybookError",
    "Suspect",
    "UsageError",
    "diagnose",
    "fix_commands",
    "load_catalog",
    "open_log",
    "playbook_markdown",
]
