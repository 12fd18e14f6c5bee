"""Every bundled playbook has examples: positives rank it first, near misses never match."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from faultline_tui.engine.diagnosis import diagnose
from faultline_tui.engine.logs import log_from_text
from faultline_tui.engine.playbooks import bundled_dir, load_catalog

EXAMPLES = Path(__file__).resolve().parent.parent / "playbook_examples"
BUNDLED_IDS = sorted(p.stem for p in bundled_dir().rglob("*.yaml"))


def _cases(kind: str) -> list[tuple[str, int, str]]:
    out = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        for i, text in enumerate(data.get(kind) or []):
            out.append((data["id"], i, text))
    return out


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(use_env=False)


@pytest.mark.parametrize("playbook_id", BUNDLED_IDS)
def test_every_playbook_has_positive_and_negative_examples(playbook_id):
    """Each bundled playbook has at least one positive and one near-miss example."""
    path = EXAMPLES / f"{playbook_id}.yaml"
    assert path.exists(), f"missing {path.name}"
    data = yaml.safe_load(path.read_text())
    assert data["id"] == playbook_id
    assert data.get("positive") and data.get("negative")


@pytest.mark.parametrize(("playbook_id", "n", "text"), _cases("positive"), ids=lambda v: str(v)[:40])
def test_positive_example_ranks_first(catalog, playbook_id, n, text):
    """A positive example's playbook is the top finding."""
    diag = diagnose(log_from_text(text), catalog)
    assert [f.id for f in diag.findings[:3]][:1] == [playbook_id], [f.id for f in diag.findings[:3]]


@pytest.mark.parametrize(("playbook_id", "n", "text"), _cases("negative"), ids=lambda v: str(v)[:40])
def test_near_miss_example_does_not_match(catalog, playbook_id, n, text):
    """A near-miss example never yields the playbook it imitates on failure signals.

    A context-only guess (``basis == "context"``, confidence at most 0.3) is allowed:
    it says which tool the log involves, not that the failure was seen.
    """
    diag = diagnose(log_from_text(text), catalog)
    assert playbook_id not in {f.id for f in diag.findings if f.basis == "signal"}
    assert all(f.confidence <= 0.3 for f in diag.findings if f.basis == "context")


@pytest.mark.parametrize(("playbook_id", "n", "text"), _cases("context"), ids=lambda v: str(v)[:40])
def test_context_example_gives_a_weak_guess(catalog, playbook_id, n, text):
    """A log that only shows a playbook's situation (no failure signature) yields it
    among the top three guesses, marked as context and never confident."""
    diag = diagnose(log_from_text(text), catalog)
    assert diag.findings and all(f.basis == "context" for f in diag.findings)
    assert playbook_id in [f.id for f in diag.findings[:3]], [f.id for f in diag.findings[:3]]
    assert all(f.confidence <= 0.3 for f in diag.findings)


def test_context_examples_exist_for_every_playbook_with_context_patterns(catalog):
    """Each playbook that declares `match.context` shows a context example."""
    with_context = {p.id for p in catalog.playbooks.values() if p.match_context and p.id in BUNDLED_IDS}
    covered = {pid for pid, _, _ in _cases("context")}
    assert with_context - covered == set()
