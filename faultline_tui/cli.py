"""Command line: argument parsing, text and JSON output, exit codes.

Exit codes: 0 analysis done (matched or not), 1 ``playbooks check`` found problems,
2 usage error, unreadable input, unusable playbook folder or an I/O error, 130
interrupted.
Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn, TextIO

from faultline_tui import __version__
from faultline_tui.engine.commands import fill, fix_commands, playbook_markdown
from faultline_tui.engine.diagnosis import diagnose
from faultline_tui.engine.errors import FaultlineError, UsageError
from faultline_tui.engine.logs import LogFile, clean_text, open_log
from faultline_tui.engine.models import Diagnosis, Finding, Playbook
from faultline_tui.engine.playbooks import CATEGORIES, Catalog, bundled_dir, check_folders, load_catalog

PROG = "faultline-tui"
SUBCOMMANDS = ("analyze", "explain", "list", "fix", "playbooks")
SCHEMA = "faultline-tui/analysis@1"


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line and exit 2."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{PROG}: {message} (see '{self.prog} --help')\n")
        raise SystemExit(2)


# -- colour -----------------------------------------------------------------------------


class _Style:
    def __init__(self, stream: TextIO):
        self.on = stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"

    def __call__(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.on else text


# -- parsers ----------------------------------------------------------------------------


def _add_playbooks(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--playbooks",
        metavar="DIR",
        action="append",
        default=[],
        help="also load playbooks from DIR (repeatable; overrides bundled ids)",
    )


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog=PROG,
        description="Tells you why your CI build failed. Run 'faultline-tui LOG' to open the viewer.",
        epilog="exit codes: 0 done, 1 playbooks check found problems, 2 usage or input error",
    )
    p.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)
    a = sub.add_parser("analyze", help="diagnose a log (text or --json)")
    a.add_argument("log", help="log file, '-' for standard input (.gz/.bz2/.xz read transparently)")
    a.add_argument("--json", action="store_true", help="print the analysis JSON")
    a.add_argument("--top", type=int, metavar="N", help="show at most N findings")
    _add_playbooks(a)
    e = sub.add_parser("explain", help="show a playbook")
    e.add_argument("id")
    e.add_argument("--json", action="store_true")
    e.add_argument("--log", help="fill the fix commands with values from this log")
    _add_playbooks(e)
    li = sub.add_parser("list", help="list the playbooks")
    li.add_argument("--category", choices=CATEGORIES)
    li.add_argument("--json", action="store_true")
    _add_playbooks(li)
    f = sub.add_parser("fix", help="print the top finding's fix steps and commands")
    f.add_argument("log")
    _add_playbooks(f)
    pb = sub.add_parser("playbooks", help="work with playbook folders")
    pbs = pb.add_subparsers(dest="action", parser_class=_Parser, required=True)
    ck = pbs.add_parser("check", help="lint playbook folders (default: the bundled catalog)")
    ck.add_argument("dirs", nargs="*", metavar="DIR")
    return p


def _view_parser() -> argparse.ArgumentParser:
    p = _Parser(prog=PROG, description="Open the viewer on a log.")
    p.add_argument("log", help="log file, or '-' for standard input")
    _add_playbooks(p)
    return p


# -- output -------------------------------------------------------------------------------


def analysis_json(diag: Diagnosis, log: LogFile) -> dict[str, Any]:
    """The analysis JSON contract (``faultline-tui/analysis@1``) plus extra fields."""
    findings = []
    for f in diag.findings:
        evidence = [
            {
                "line": h.line,
                "text": _line_text(log, h.line),
                "pattern": h.pattern.label,
                "start": h.start,
                "end": h.end,
            }
            for h in f.evidence
        ]
        findings.append(
            {
                "id": f.id,
                "title": f.playbook.title,
                "category": f.playbook.category,
                "severity": f.playbook.severity,
                "score": f.score,
                "confidence": f.confidence,
                "basis": f.basis,
                "evidence": evidence,
                "hits": len(f.hits),
                "captures": dict(f.captures),
                "fix_commands": [c.text for c in fix_commands(f)],
            }
        )
    return {
        "schema": SCHEMA,
        "source": {"path": diag.path, "lines": diag.lines, "bytes": diag.bytes},
        "focus_line": diag.focus_line,
        "findings": findings,
        "suspects": [{"line": s.line, "text": s.text, "reason": s.reason} for s in diag.suspects],
        "elapsed_ms": diag.elapsed_ms,
    }


def _line_text(log: LogFile, line: int) -> str:
    return clean_text(log.display_line(line))[:500]


def _print_analysis(diag: Diagnosis, log: LogFile, out: TextIO) -> None:
    st = _Style(out)
    n = len(diag.findings)
    head = f"{os.path.basename(diag.path)}: {diag.lines} lines, "
    head += f"{n} finding{'s' if n != 1 else ''}" if n else "no known failure matched"
    out.write(st(head, "1") + "\n")
    for i, f in enumerate(diag.findings, 1):
        pb = f.playbook
        out.write(f"\n{i}. {st(pb.title, '1')}  [{st(pb.id, '36')}]\n")
        guess = " | context only: no failure signature matched" if f.basis == "context" else ""
        out.write(
            f"   confidence {f.confidence:.2f} | severity {pb.severity} | {pb.category} | "
            f"{len(f.hits)} hit{'s' if len(f.hits) != 1 else ''}{guess}\n"
        )
        out.write("   evidence:\n")
        for line in sorted({h.line for h in f.evidence})[:5]:  # a line hit by two patterns shows once
            out.write(f"     {st(str(line).rjust(6), '33')}: {_line_text(log, line)[:160]}\n")
        if i == 1:
            commands = fix_commands(f)
            steps = _first_steps(pb, dict(f.captures))
            if steps:
                out.write("   fix:\n")
                for s in steps:
                    out.write(f"     {s}\n")
            if commands:
                out.write(f"   run: {st(commands[0].text.splitlines()[0], '32')}\n")
    if diag.suspects:
        title = "suspects" if n else "lines most likely to explain the failure"
        out.write(f"\n{st(title, '1')}:\n")
        for s in diag.suspects:
            out.write(f"  {st(str(s.line).rjust(6), '33')}: {s.text[:160]}  ({s.reason})\n")
    if diag.focus_line:
        out.write(f"\nopen the viewer at the failure: {PROG} {diag.path}\n")


def _first_steps(pb: Playbook, captures: dict[str, str], limit: int = 3) -> list[str]:
    steps: list[str] = []
    in_fence = False
    for line in fill(pb.fix, captures).splitlines():
        s = line.strip()
        if s.startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if not in_fence and s[:1].isdigit() and ". " in s[:4]:
            steps.append(s)
            if len(steps) >= limit:
                break
    return steps


# -- commands -------------------------------------------------------------------------------


def _catalog(dirs: Sequence[str]) -> Catalog:
    catalog = load_catalog(dirs)
    for notice in catalog.notices:
        sys.stderr.write(f"{PROG}: {notice}\n")
    return catalog


def _analyze(log_path: str, dirs: Sequence[str], top: int | None = None) -> tuple[Diagnosis, LogFile]:
    catalog = _catalog(dirs)
    log = open_log(log_path)
    return diagnose(log, catalog, top=top), log


def cmd_analyze(args: argparse.Namespace) -> int:
    if args.top is not None and args.top < 0:
        raise UsageError("--top must be 0 or more")
    diag, log = _analyze(args.log, args.playbooks, args.top)
    if args.json:
        sys.stdout.write(json.dumps(analysis_json(diag, log), indent=2, ensure_ascii=False) + "\n")
    else:
        _print_analysis(diag, log, sys.stdout)
    return 0


def cmd_fix(args: argparse.Namespace) -> int:
    diag, _ = _analyze(args.log, args.playbooks)
    if not diag.findings:
        sys.stderr.write(f"{PROG}: no known failure matched; run '{PROG} analyze {args.log}' for the suspect lines\n")
        return 0
    f = diag.findings[0]
    sys.stdout.write(f"# {f.playbook.title} [{f.id}]\n\n{fill(f.playbook.fix, dict(f.captures))}\n")
    extra = [c for c in fix_commands(f) if c.label != "fix step" and not c.label.startswith("fix step")]
    if extra:
        sys.stdout.write("\n" + "\n".join(f"# {c.label}\n{c.text}" for c in extra) + "\n")
    return 0


def _find_playbook(catalog: Catalog, pid: str) -> Playbook:
    pb = catalog.get(pid)
    if pb is None:
        close = [i for i in catalog.playbooks if pid in i or i in pid][:3]
        hint = f"; did you mean {', '.join(close)}?" if close else f"; '{PROG} list' shows the ids"
        raise UsageError(f"unknown playbook id {pid!r}{hint}")
    return pb


def cmd_explain(args: argparse.Namespace) -> int:
    catalog = _catalog(args.playbooks)
    pb = _find_playbook(catalog, args.id)
    item: Finding | Playbook = pb
    if args.log:
        diag, _ = _analyze(args.log, args.playbooks)
        item = next((f for f in diag.findings if f.id == pb.id), pb)
    if args.json:
        data = {
            "id": pb.id,
            "title": pb.title,
            "category": pb.category,
            "severity": pb.severity,
            "tags": list(pb.tags),
            "stage_hints": list(pb.stage_hints),
            "summary": pb.summary,
            "diagnosis": pb.diagnosis,
            "fix": pb.fix,
            "validation": pb.validation,
            "why_it_matters": pb.why_it_matters,
            "match": {
                "any": [p.label for p in pb.match_any],
                "all": [p.label for p in pb.match_all],
                "none": [p.label for p in pb.match_none],
                "partial": [
                    {"id": g.id, "label": g.label, "minimum": g.minimum, "patterns": [p.label for p in g.patterns]}
                    for g in pb.match_partial
                ],
                "scope": pb.scope,
            },
            "workflow": {
                "likely_files": list(pb.likely_files),
                "local_repro": list(pb.local_repro),
                "verify": list(pb.verify),
            },
            "commands": [{"label": c.label, "text": c.text} for c in fix_commands(item)],
            "source": pb.source,
        }
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    else:
        st = _Style(sys.stdout)
        sys.stdout.write(st(f"{pb.id}", "36") + f"  ({pb.category}, {pb.severity})\n\n")
        sys.stdout.write(playbook_markdown(item))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    catalog = _catalog(args.playbooks)
    pbs = sorted(catalog.playbooks.values(), key=lambda p: (p.category, p.id))
    if args.category:
        pbs = [p for p in pbs if p.category == args.category]
    if args.json:
        rows = [
            {"id": p.id, "title": p.title, "category": p.category, "severity": p.severity, "source": p.source}
            for p in pbs
        ]
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return 0
    st = _Style(sys.stdout)
    width = max((len(p.id) for p in pbs), default=10)
    for p in pbs:
        sys.stdout.write(f"{st(p.id.ljust(width), '36')}  {p.category:<14} {p.severity:<8}  {p.title}\n")
    sys.stdout.write(f"{len(pbs)} playbooks\n")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    dirs = args.dirs or [str(bundled_dir())]
    for d in dirs:
        if not os.path.isdir(d):
            raise UsageError(f"{d}: not a folder")
    problems, warnings, files, valid = check_folders(dirs)
    for w in warnings:
        sys.stdout.write(f"warning: {w}\n")
    for p in problems:
        sys.stdout.write(f"error: {p}\n")
    sys.stdout.write(
        f"{files} file{'s' if files != 1 else ''}, {valid} valid playbook{'s' if valid != 1 else ''}, "
        f"{len(problems)} error{'s' if len(problems) != 1 else ''}, {len(warnings)} warning"
        f"{'s' if len(warnings) != 1 else ''}\n"
    )
    return 1 if problems else 0


def cmd_view(argv: Sequence[str]) -> int:
    args = _view_parser().parse_args(argv)
    _catalog(args.playbooks)  # an unusable playbook folder fails here, with one line
    # fail early, with one line, on unreadable input; standard input can be read only
    # once, so that log is handed to the viewer
    log = open_log(args.log)
    if args.log != "-":
        log.close()
        log = None
    try:
        from faultline_tui.tui.app import build_app
    except ImportError as e:
        raise UsageError(f"the viewer cannot start ({e}); '{PROG} analyze {args.log}' works without it") from None
    app = build_app(args.log, list(args.playbooks), log=log)
    app.run()
    return int(getattr(app, "return_code", 0) or 0)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if (argv and argv[0] in SUBCOMMANDS) or not argv or (argv[0].startswith("-") and argv[0] != "-"):
            if not argv:
                _parser().print_help()
                return 2
            args = _parser().parse_args(argv)
            handler = {
                "analyze": cmd_analyze,
                "explain": cmd_explain,
                "list": cmd_list,
                "fix": cmd_fix,
                "playbooks": cmd_check,
            }[args.command]
            return handler(args)
        return cmd_view(argv)
    except FaultlineError as e:
        sys.stderr.write(f"{PROG}: {e}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write(f"{PROG}: interrupted\n")
        return 130
    except BrokenPipeError:
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the final flush
        return 0
    except OSError as e:  # e.g. a full disk or a closed terminal while writing output
        sys.stderr.write(f"{PROG}: {e.strerror or e}\n")
        return 2
