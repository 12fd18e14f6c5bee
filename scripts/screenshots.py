#!/usr/bin/env python3
"""Regenerate the SVG screenshots in ``screenshots/`` from the bundled example logs.

Run it after every visible UI change (``python scripts/screenshots.py``) and look at the
result: the README shows these files. The app runs headless at fixed sizes with the
bundled playbook catalog, so the output depends only on the code, the playbooks and the
examples.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from faultline_tui.tui.app import FaultlineApp, build_app  # noqa: E402

OUT = ROOT / "screenshots"

#: (file, example log, terminal size, keys pressed once the diagnosis is shown)
SHOTS: list[tuple[str, str, tuple[int, int], tuple[str, ...]]] = [
    ("main.svg", "pip-hash-mismatch.log", (140, 40), ()),
    ("command-picker.svg", "pip-hash-mismatch.log", (140, 40), ("c",)),
    ("no-match.svg", "no-match.log", (140, 40), ()),
    ("filter.svg", "jest-missing-module.log", (140, 40), ("f",)),
    ("narrow.svg", "pip-hash-mismatch.log", (80, 24), ()),
]


async def _settle(app: FaultlineApp) -> None:
    for _ in range(500):
        await app.workers.wait_for_complete()
        await asyncio.sleep(0)
        if app.main_screen.diagnosis is not None or len(app.screen_stack) > 1:
            return
        await asyncio.sleep(0.01)
    raise RuntimeError("the app never finished loading")


async def shoot(name: str, example: str, size: tuple[int, int], keys: tuple[str, ...]) -> Path:
    """Open ``example``, press ``keys`` and save the screen as ``screenshots/name``."""
    app = build_app(str(ROOT / "examples" / example), [])
    async with app.run_test(size=size) as pilot:
        await _settle(app)
        await pilot.pause()
        if keys:
            await pilot.press(*keys)
            await pilot.pause()
        app.clear_notifications()  # toasts time out; they have no place in a screenshot
        await pilot.pause()
        svg = app.export_screenshot(title=f"faultline-tui {example}")
    path = OUT / name
    path.write_text(svg, encoding="utf-8")
    return path


async def main() -> int:
    OUT.mkdir(exist_ok=True)
    for shot in SHOTS:
        path = await shoot(*shot)
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
