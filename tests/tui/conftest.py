"""Fixtures for the viewer tests: a small test catalog, sample logs, a ready app."""

from __future__ import annotations

import asyncio
import inspect
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from faultline_tui.engine.playbooks import Catalog, load_folder
from faultline_tui.tui.app import FaultlineApp, build_app

HERE = Path(__file__).parent
TEST_PLAYBOOKS = HERE / "playbooks"
TEST_LOGS = HERE / "logs"


@pytest.fixture(autouse=True)
def test_catalog(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Diagnose with the two demo playbooks, so catalog edits never break these tests.

    Tests marked ``real_catalog`` use the bundled catalog instead.
    """
    if request.node.get_closest_marker("real_catalog"):
        return
    result = load_folder(TEST_PLAYBOOKS)
    assert not result.problems, result.problems
    catalog = Catalog({p.id: p for p in result.playbooks})
    monkeypatch.setattr("faultline_tui.tui.loader.load_catalog", lambda *a, **k: catalog)


@pytest.fixture
def demo_log(tmp_path: Path) -> str:
    """A copy of the sample log with two findings (hash mismatch first, npm auth second)."""
    target = tmp_path / "demo.log"
    shutil.copy(TEST_LOGS / "demo.log", target)
    return str(target)


@pytest.fixture
def nomatch_log(tmp_path: Path) -> str:
    """A copy of the sample log that no test playbook matches."""
    target = tmp_path / "nomatch.log"
    shutil.copy(TEST_LOGS / "nomatch.log", target)
    return str(target)


@pytest.fixture
def make_app() -> Callable[[str], FaultlineApp]:
    """The app exactly as the command line builds it."""
    return lambda path: build_app(path, [])


async def wait_ready(pilot: Pilot[int]) -> None:
    """Wait until the loader finished and its messages were handled (no sleeping)."""
    app = pilot.app
    assert isinstance(app, FaultlineApp)
    for _ in range(500):
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.main_screen
        if screen.diagnosis is not None or app.return_code is not None or len(app.screen_stack) > 1:
            return
    raise AssertionError("the app never finished loading")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "real_catalog: diagnose with the bundled playbook catalog")


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests in a fresh event loop (Textual's pilot needs one).

    Keeps the suite free of an async plugin dependency for these few tests.
    """
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    asyncio.run(pyfuncitem.obj(**args))
    return True
