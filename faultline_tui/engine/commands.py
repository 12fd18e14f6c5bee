"""Fix commands and playbook text, with ``{name}`` placeholders filled from evidence.

Playbook regexes capture values with named groups (the package pip rejected, the
missing module, the image tag); fix steps and workflow commands use them as
``{name}``. A value the finding did not capture is shown as ``<name>`` so the command
still reads as a template. ``{{`` and ``}}`` stand for literal braces.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from faultline_tui.engine.models import Command, Finding, Playbook

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")
_STEP = re.compile(r"^[ \t]{0,3}(\d+)[.)] ", re.M)
_FENCE = re.compile(r"^[ \t]*(```|~~~)[ \t]*([\w+-]*)[^\n]*\n(.*?)^[ \t]*\1[ \t]*$", re.M | re.S)
#: Fenced blocks in these languages (or none) are commands; yaml, json, ... are examples.
SHELL_LANGUAGES = frozenset({"", "bash", "sh", "shell", "console", "zsh", "powershell", "pwsh", "ps1", "cmd", "bat"})


def fill(text: str, captures: Mapping[str, str]) -> str:
    """Replace ``{name}`` with captured values (``<name>`` when missing)."""

    def sub(m: re.Match[str]) -> str:
        tok = m.group(0)
        if tok == "{{":
            return "{"
        if tok == "}}":
            return "}"
        return captures.get(m.group(1), f"<{m.group(1)}>")

    return _PLACEHOLDER.sub(sub, text)


def placeholders(text: str) -> set[str]:
    """Names of the ``{name}`` placeholders used in ``text``."""
    return {m.group(1) for m in _PLACEHOLDER.finditer(text) if m.group(1)}


def _dedent(block: str) -> str:
    lines = block.rstrip("\n").split("\n")
    indent = min((len(ln) - len(ln.lstrip()) for ln in lines if ln.strip()), default=0)
    return "\n".join(ln[indent:] for ln in lines).strip("\n")


def _resolve(item: Finding | Playbook, captures: Mapping[str, str] | None) -> tuple[Playbook, dict[str, str]]:
    """The playbook and the placeholder values: a finding's captures, then ``captures``."""
    if isinstance(item, Finding):
        values = dict(item.captures)
        values.update(captures or {})
        return item.playbook, values
    return item, dict(captures or {})


def fix_commands(item: Finding | Playbook, captures: Mapping[str, str] | None = None) -> list[Command]:
    """The copyable commands: shell blocks of ``fix``, then workflow repro and verify."""
    playbook, values = _resolve(item, captures)
    out: list[Command] = []
    seen: set[str] = set()
    fix = fill(playbook.fix, values)
    for block, m in enumerate(_FENCE.finditer(fix), 1):
        if m.group(2).lower() not in SHELL_LANGUAGES:
            continue
        text = _dedent(m.group(3))
        if text and text not in seen:
            seen.add(text)
            steps = _STEP.findall(fix, 0, m.start())
            out.append(Command(f"fix step {steps[-1]}" if steps else f"fix command {block}", text))
    for label, commands in (("reproduce locally", playbook.local_repro), ("verify", playbook.verify)):
        for c in commands:
            text = fill(c, values).strip()
            if text and text not in seen:
                seen.add(text)
                out.append(Command(label, text))
    return out


def playbook_markdown(item: Finding | Playbook, captures: Mapping[str, str] | None = None) -> str:
    """Summary, diagnosis, fix and validation as one Markdown document."""
    playbook, values = _resolve(item, captures)
    parts = [f"# {playbook.title}", "", fill(playbook.summary, values)]
    sections = (("Diagnosis", playbook.diagnosis), ("Fix", playbook.fix), ("Validation", playbook.validation))
    for heading, text in sections:
        parts += ["", f"## {heading}", "", fill(text, values)]
    if playbook.why_it_matters:
        parts += ["", "## Why it matters", "", fill(playbook.why_it_matters, values)]
    workflow = []
    if playbook.likely_files:
        workflow.append("Likely files: " + ", ".join(f"`{f}`" for f in playbook.likely_files))
    for label, commands in (("Reproduce locally", playbook.local_repro), ("Verify", playbook.verify)):
        if commands:
            workflow.append(f"{label}:\n\n```bash\n" + "\n".join(fill(c, values) for c in commands) + "\n```")
    if workflow:
        parts += ["", "## Workflow", "", "\n\n".join(workflow)]
    return "\n".join(parts).strip() + "\n"
