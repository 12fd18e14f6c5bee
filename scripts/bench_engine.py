#!/usr/bin/env python3
"""Benchmark: diagnose a large generated log and compare with `grep -F -i -f`.

usage: scripts/bench_engine.py [--mb 1024] [--keep PATH]

Writes a realistic CI log of about --mb megabytes (timestamps, colours, progress lines,
a failure near the end), then times, in this one run:
  * grep -c -F -i -f PATTERNS LOG  (the catalog's literal patterns: the reference)
  * faultline-tui analyze --json LOG  (whole process: start, catalog, scan, ranking)
  * faultline-tui analyze --json SMALL  (a small log, process start included)
and prints the seconds, the ratio to grep and the peak memory of the analysis.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from faultline_tui.engine.patterns import literal_key  # noqa: E402
from faultline_tui.engine.playbooks import load_catalog  # noqa: E402

NOISE = [
    "2026-11-20T09:14:{s:02d}.1234567Z   Downloading https://files.example.org/pkg-{n}.tar.gz ({n} kB)",
    "2026-11-20T09:14:{s:02d}.1234567Z \x1b[32m✓\x1b[0m test_case_{n} passed in 0.{s:02d}s",
    "[{n:>6}/100000] Compiling module_{n}.c",
    "  ok {n} - handles input {n} correctly",
    "npm notice package size: {n} kB",
    "\x1b[1m\x1b[34mINFO\x1b[0m  worker {s} finished job {n} in {s}ms",
    "Receiving objects:  {s}% ({n}/100000), 12.40 MiB | 9.10 MiB/s",
    "   Compiling serde v1.0.{s} (registry+https://github.com/rust-lang/crates.io-index)",
]


def generate(path: Path, mb: int) -> None:
    rnd = random.Random(1)
    target = mb << 20
    with open(path, "w", encoding="utf-8") as f:
        written = 0
        block = []
        while written < target:
            block.clear()
            for _ in range(20000):
                block.append(rnd.choice(NOISE).format(s=rnd.randint(0, 59), n=rnd.randint(1, 99999)))
            text = "\n".join(block) + "\n"
            f.write(text)
            written += len(text.encode())
        f.write("ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE.\n")
        f.write("    requests==2.32.3 from https://files.pythonhosted.org/requests.whl:\n")
        f.write("##[error]Process completed with exit code 1.\n")


def timed(cmd: list[str]) -> tuple[float, int]:
    t = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if p.returncode not in (0, 1):
        sys.exit(f"{cmd[0]} failed: {p.stderr.decode()[-300:]}")
    return time.perf_counter() - t, p.returncode


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=1024)
    ap.add_argument("--keep", type=Path, help="reuse/keep the generated log at this path")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="faultline-bench-"))
    log = a.keep or tmp / "big.log"
    if not log.exists():
        generate(log, a.mb)
    catalog = load_catalog(use_env=False)
    keys = sorted(
        {literal_key(p.text) for pb in catalog.playbooks.values() for _, p in pb.patterns() if p.kind == "literal"}
    )
    pats = tmp / "patterns.txt"
    pats.write_text("\n".join(keys) + "\n")
    exe = shutil.which("faultline-tui") or str(Path(sys.executable).parent / "faultline-tui")
    size = log.stat().st_size / 2**20
    print(f"log: {size:.0f} MiB, {len(keys)} literal patterns, {len(catalog.playbooks)} playbooks")
    subprocess.run(["cat", str(log)], stdout=subprocess.DEVNULL)  # warm the page cache
    g, _ = timed(["grep", "-c", "-F", "-i", "-f", str(pats), str(log)])
    print(f"grep -F -i -f         {g:8.2f} s   {size / g:8.0f} MiB/s")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    f, _ = timed([exe, "analyze", "--json", str(log)])
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(
        f"faultline-tui analyze {f:8.2f} s   {size / f:8.0f} MiB/s   ratio to grep {f / g:5.2f}x"
        f"   peak RSS {max(peak, before) / 1024:.0f} MiB"
    )
    small = ROOT / "examples" / "pip-hash-mismatch.log"
    runs = sorted(timed([exe, "analyze", "--json", str(small)])[0] for _ in range(5))
    print(f"small log (67 lines)  {runs[2] * 1000:8.0f} ms median of 5, process start included")
    if not a.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        os.remove(pats)


if __name__ == "__main__":
    main()
