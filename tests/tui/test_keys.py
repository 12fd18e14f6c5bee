"""Pilot tests: every key of the viewer, asserting what a user would see."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import pytest
from textual.widgets import Input, OptionList

from faultline_tui.tui.app import FaultlineApp
from faultline_tui.tui.screens.command_picker import CommandPicker
from faultline_tui.tui.screens.goto_line import GotoLineScreen
from faultline_tui.tui.screens.help_screen import HelpScreen
from faultline_tui.tui.widgets.findings_list import FindingsList
from faultline_tui.tui.widgets.log_view import LogView
from faultline_tui.tui.widgets.playbook_pane import PlaybookPane
from faultline_tui.tui.widgets.status_bar import StatusBar
from tests.tui.conftest import wait_ready

SIZE = (120, 36)

# what the demo log and the two demo playbooks produce (see tests/tui/logs/demo.log)
HASH_HITS = (58, 59, 60)
NPM_HITS = (10,)
ERROR_LINES = (10, 11, 58, 70)


def status_text(app: FaultlineApp) -> str:
    status = app.main_screen.query_one(StatusBar)
    return str(status.render())


def cursor(app: FaultlineApp) -> int:
    return app.main_screen.query_one(LogView).cursor_line


def notifications(app: FaultlineApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_start_selects_top_finding_at_focus_line(demo_log: str, make_app: Callable) -> None:
    """After diagnosis the top finding is selected and the cursor sits on focus_line."""
    app = make_app(demo_log)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        screen = app.main_screen
        assert screen.selected == 0
        assert screen.diagnosis.findings[0].id == "demo-hash-mismatch"
        assert cursor(app) == screen.diagnosis.focus_line == 59
        assert "hit 2/3 · demo-hash-mismatch" in status_text(app)
        assert "demo.log" in status_text(app) and "70 lines" in status_text(app)
        assert screen.query_one(PlaybookPane).border_title == "Playbook · demo-hash-mismatch"


async def test_n_and_N_step_through_hits_and_wrap(demo_log: str, make_app: Callable) -> None:
    """n/N move between hit lines of the selected finding and say when they wrap."""
    app = make_app(demo_log)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await pilot.press("n")
        assert cursor(app) == 60
        assert "hit 3/3" in status_text(app)
        await pilot.press("n")
        assert cursor(app) == 58
        assert "hit 1/3" in status_text(app)
        assert "Wrapped to the first hit" in notifications(app)
        await pilot.press("N")
        assert cursor(app) == 60
        assert "Wrapped to the last hit" in notifications(app)
        await pilot.press("N", "N")
        assert cursor(app) == 58


async def test_e_and_E_step_through_error_lines(demo_log: str, make_app: Callable) -> None:
    """e/E visit every error-like line in order, wrapping at both ends."""
    app = make_app(demo_log)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        assert app.main_screen.diagnosis.error_lines == ERROR_LINES
        await pilot.press("g")
        seen = []
        for _ in ERROR_LINES:
            await pilot.press("e")
            seen.append(cursor(app))
        assert tuple(seen) == ERROR_LINES
        await pilot.press("e")
        assert cursor(app) == ERROR_LINES[0]
        await pilot.press("E")
        assert cursor(app) == ERROR_LINES[-1]


async def test_e_works_when_nothing_matched(nomatch_log: str, make_app: Callable) -> None:
    """On a log no playbook matched, e still steps through the error-like lines."""
    app = make_app(nomatch_log)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        lines = app.main_screen.diagnosis.error_lines
        assert lines
        await pilot.press("g", "e")
        assert cursor(app) == lines[0]


async def test_brackets_select_findings_and_jump(demo_log: str, make_app: Callable) -> None:
    """] selects the next finding, jumps to its first hit and shows its playbook; [ goes back."""
    app = make_app(demo_log)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        screen = app.main_screen
        await pilot.press("right_square_bracket")
        assert screen.selected == 1
        assert cursor(app) == NPM_HITS[0]
        assert "hit 1/1 · demo-npm-auth" in status_text(app)
        assert screen.query_one(PlaybookPane).border_title == "Playbook · demo-npm-auth"
        assert screen.query_one(FindingsList).option_list.highlighted == 1
        await pilot.press("right_square_bracket")
        assert screen.selected == 0  # wraps
        await pilot.press("left_square_bracket")
        assert screen.selected == 1


async def test_tab_to_findings_and_arrow_selects(demo_log: str, make_app: Callable) -> None:
    """tab focuses the findings list; moving the highlight there selects the finding."""
    app = make_app(demo_log)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await pilot.press("tab")
        assert isinstance(app.focused, OptionList)
        await pilot.press("down")
        assert app.main_screen.selected == 1
        assert cursor(app) == NPM_HITS[0]
        await pilot.press("up")
        assert app.main_screen.selected == 0
        assert cursor(app) == HASH_HITS[0]


async def test_cursor_keys(demo_log: str, make_app: Callable) -> None:
    """j/k, arrows, PgUp/PgDn and g/G move the cursor line."""
    app = make_app(demo_log)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await pilot.press("g")
        assert cursor(app) == 1
        await pilot.press("j", "j", "down")
        assert cursor(app) == 4
        await pilot.press("k", "up")
        assert cursor(app) == 2
        await pilot.press("pagedown")
        page = cursor(app) - 2
        assert page > 10
        await pilot.press("pageup")
        assert cursor(app) == 2
        await pilot.press("G")
        assert cursor(app) == 70
        assert "line 70" in status_text(app)


async def test_colon_goes_to_line(demo_log: str, make_app: Callable) -> None:
    """: asks for a line number and moves the cursor there; Esc cancels."""
    app = make_app(demo_log)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await pilot.press("colon")
        assert isinstance(app.screen, GotoLineScreen)
        await pilot.press("4", "2", "enter")
        assert not isinstance(app.screen, GotoLineScreen)
        assert cursor(app) == 42
        await pilot.press("colon", "9", "escape")
        assert cursor(app) == 42
        await pilot.press("colon", "9", "9", "9", "enter")
        assert isinstance(app.screen, GotoLineScreen)  # out of range: stays open
        await pilot.press("escape")


async def test_search_steps_through_matches_and_esc_returns_to_hits(demo_log: str, make_app: Callable) -> None:
    """/ searches literally; n/N step through matches; Esc brings n/N back to hits."""
    app = make_app(demo_log)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await pilot.press("g", "slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"npm err!", "enter")
        await wait_ready(pilot)
        assert cursor(app) == 10
        assert "match 1/2" in status_text(app)
        await pilot.press("n")
        assert cursor(app) == 11
        assert "match 2/2" in status_text(app)
        await pilot.press("n")
        assert cursor(app) == 10
        await pilot.press("escape")
        assert "hit –/3" in status_text(app) and "match " not in status_text(app)
        await pilot.press("n")
        assert cursor(app) == HASH_HITS[0]


async def test_search_regex_and_case_toggles(demo_log: str, make_app: Callable) -> None:
    """ctrl+r makes the search a regex, ctrl+t makes it case-sensitive."""
    app = make_app(demo_log)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await pilot.press("g", "slash", *"step [0-9]", "ctrl+r", "enter")
        await wait_ready(pilot)
        assert app.main_screen.search_query.regex
        assert "match 1/16" in status_text(app)  # "Step 1".."Step 8" and "cleanup step 62".."69"
        await pilot.press("slash", *"ERROR:", "ctrl+r", "ctrl+t", "enter")
        await wait_ready(pilot)
        query = app.main_screen.search_query
        assert query.case and not query.regex
        assert app.main_screen.search_lines == [58]


async def test_invalid_regex_keeps_the_search_bar_open(demo_log: str, make_app: Callable) -> None:
    """An invalid regex is reported and the search bar stays open for correction."""
    app = make_app(demo_log)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await pilot.press("slash", *"(unclosed", "ctrl+r", "enter")
        assert isinstance(app.focused, Input)
        assert any("Invalid regular expression" in n for n in notifications(app))
        assert app.main_screen.search_query is None


async def test_f_filters_to_hit_lines_with_context(demo_log: str, make_app: Callable) -> None:
    """f shows only hit lines and their context (status says filter); f again shows all."""
    app = make_app(demo_log)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        view = app.main_screen.query_one(LogView)
        await pilot.press("f")
        assert view.filtered and "filter" in status_text(app)
        assert view.is_visible_line(58) and view.is_visible_line(55) and not view.is_visible_line(40)
        assert view.row_count < 20
        await pilot.press("j", "j", "j", "j", "j", "j", "j")
        assert view.is_visible_line(cursor(app))
        await pilot.press("f")
        assert not view.filtered and "filter" not in status_text(app)
        assert view.row_count == 70


async def test_c_copies_the_only_fix_command(demo_log: str, make_app: Callable) -> None:
    """c with one fix command copies it at once and says what was copied."""
    app = make_app(demo_log)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await pilot.press("right_square_bracket", "c")
        assert app.clipboard == "npm login --registry https://registry.npmjs.org"
        assert any("npm login" in n for n in notifications(app))


async def test_c_opens_a_picker_when_there_are_several(demo_log: str, make_app: Callable) -> None:
    """c with several commands opens a picker; Enter copies the highlighted one."""
    app = make_app(demo_log)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await pilot.press("c")
        assert isinstance(app.screen, CommandPicker)
        await pilot.press("down", "enter")
        assert not isinstance(app.screen, CommandPicker)
        assert app.clipboard == "pip-compile --generate-hashes requirements.in"
        await pilot.press("c", "escape")
        assert app.clipboard == "pip-compile --generate-hashes requirements.in"
        await pilot.press("c", "enter")
        # placeholders are filled from what the hits captured
        assert app.clipboard == 'python -m pip download --no-deps -d /tmp/hashcheck "requests==2.32.3"'


async def test_y_copies_the_current_line(demo_log: str, make_app: Callable) -> None:
    """y copies the cursor line as displayed (no escape sequences)."""
    app = make_app(demo_log)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await pilot.press("colon", "7", "0", "enter", "y")
        assert app.clipboard.endswith("Error: Process completed with exit code 1.")
        assert "\x1b" not in app.clipboard


async def test_o_opens_the_editor_at_the_current_line(
    demo_log: str, make_app: Callable, monkeypatch: pytest.MonkeyPatch
) -> None:
    """o runs $EDITOR +N path inside App.suspend and comes back to the viewer."""
    calls: list[list[str]] = []
    monkeypatch.setenv("EDITOR", "myeditor --wait")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setattr("faultline_tui.tui.app.subprocess.call", lambda argv: calls.append(argv) or 0)

    @contextlib.contextmanager
    def suspend(self: FaultlineApp) -> Iterator[None]:
        yield

    monkeypatch.setattr(FaultlineApp, "suspend", suspend)
    app = make_app(demo_log)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await pilot.press("o")
        assert calls == [["myeditor", "--wait", "+59", demo_log]]
        assert app.is_running


async def test_o_refuses_a_compressed_log(tmp_path, make_app: Callable) -> None:
    """o on a log read from a compressed file says there is no file to edit."""
    import gzip

    path = tmp_path / "build.log.gz"
    path.write_bytes(gzip.compress(b"line one\nerror: two\n"))
    app = make_app(str(path))
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        assert "build.log" in status_text(app)
        await pilot.press("o")
        assert any("no file to edit" in n for n in notifications(app))


async def test_w_toggles_wrapping(demo_log: str, make_app: Callable) -> None:
    """w wraps long lines (status says wrap) and w again scrolls them sideways."""
    app = make_app(demo_log)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        view = app.main_screen.query_one(LogView)
        await pilot.press("w")
        assert view.wrap and "wrap" in status_text(app)
        await pilot.press("colon", "1", "3", "enter")
        await pilot.pause()
        rendered = [view.render_line(y).text for y in range(view.scrollable_content_region.height)]
        assert any("LONG-LINE-END" in row for row in rendered)
        await pilot.press("w")
        assert not view.wrap


async def test_ctrl_p_jumps_to_a_finding(demo_log: str, make_app: Callable) -> None:
    """The command palette lists the findings; choosing one selects it."""
    app = make_app(demo_log)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"finding: demo: the npm")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.main_screen.selected == 1
        assert cursor(app) == NPM_HITS[0]


async def test_ctrl_p_runs_actions(demo_log: str, make_app: Callable) -> None:
    """The command palette runs viewer actions such as the filter toggle."""
    app = make_app(demo_log)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await pilot.press("ctrl+p", *"toggle filter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.main_screen.filter_on


async def test_question_mark_shows_help(demo_log: str, make_app: Callable) -> None:
    """? opens the key reference and Esc closes it."""
    app = make_app(demo_log)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_q_quits(demo_log: str, make_app: Callable) -> None:
    """q ends the app."""
    app = make_app(demo_log)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_mouse_selects_findings_and_lines(demo_log: str, make_app: Callable) -> None:
    """Clicking a finding selects it; clicking a log line moves the cursor there."""
    app = make_app(demo_log)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        options = app.main_screen.query_one(FindingsList).option_list
        # the list is as high as its entries: its last row belongs to the second finding
        await pilot.click(options, offset=(5, options.size.height - 1))
        assert app.main_screen.selected == 1
        view = app.main_screen.query_one(LogView)
        top = int(view.scroll_offset.y)
        await pilot.click(view, offset=(10, 4))  # row 3 inside the border
        assert cursor(app) == top + 4


async def test_no_match_says_so_and_lists_suspects(nomatch_log: str, make_app: Callable) -> None:
    """With no finding the pane says so plainly and n/N step through the suspects."""
    app = make_app(nomatch_log)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        screen = app.main_screen
        findings = screen.query_one(FindingsList)
        note = str(findings.query_one("#findings-note").render())
        assert "No known failure matched; e/E step through error lines" in note
        suspects = sorted(s.line for s in screen.diagnosis.suspects)
        assert findings.option_list.option_count == len(suspects) == 2
        assert cursor(app) == screen.diagnosis.focus_line
        assert "suspect" in status_text(app)
        await pilot.press("g", "n")
        assert cursor(app) == suspects[0]
        await pilot.press("n")
        assert cursor(app) == suspects[1]
        await pilot.press("c")
        assert any("no fix command" in n for n in notifications(app))


@pytest.mark.real_catalog
async def test_context_guesses_are_labelled_as_guesses(tmp_path, make_app: Callable) -> None:
    """When only a playbook's situation matched, the pane calls its entries guesses."""
    path = tmp_path / "checkout.log"
    path.write_text("Run actions/checkout@v4\nThe process '/usr/bin/git' failed with exit code 128\n")
    app = make_app(str(path))
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        findings = app.main_screen.query_one(FindingsList)
        assert app.main_screen.diagnosis.findings[0].basis == "context"
        assert findings.border_title.startswith("Guesses (")
        assert "No failure signature matched" in str(findings.query_one("#findings-note").render())
        prompt = str(findings.option_list.get_option_at_index(0).prompt)
        assert "% guess" in prompt


async def test_markup_in_names_and_lines_is_shown_literally(tmp_path, make_app: Callable) -> None:
    """Brackets in the file name or a copied line are text, never markup."""
    path = tmp_path / "build[1].log"
    path.write_text("ok\n##[error]Process completed with exit code 1.\n")
    app = make_app(str(path))
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        view = app.main_screen.query_one(LogView)
        assert str(view.border_title) == "build[1].log"
        await pilot.press("G", "y")
        assert app.clipboard == "##[error]Process completed with exit code 1."
        assert any("##[error]Process" in n for n in notifications(app))


async def test_h_and_l_scroll_long_lines_sideways(demo_log: str, make_app: Callable) -> None:
    """l/right scroll long lines to the right, h/left and 0 scroll back."""
    app = make_app(demo_log)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        view = app.main_screen.query_one(LogView)
        await pilot.press("colon", "1", "3", "enter", "0")
        assert view.scroll_offset.x == 0
        await pilot.press("l", "right")
        assert view.scroll_offset.x == 16
        await pilot.press("h")
        assert view.scroll_offset.x == 8
        await pilot.press("0")
        assert view.scroll_offset.x == 0


async def test_search_in_a_big_log_runs_in_a_worker(tmp_path, make_app: Callable) -> None:
    """On a log too big to search on the spot, matches arrive from a worker and n steps them."""
    path = tmp_path / "big.log"
    path.write_text("".join(f"line {i}{' needle' if i % 1000 == 0 else ''}\n" for i in range(1, 50_001)))
    app = make_app(str(path))
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await pilot.press("g", "slash", *"needle", "enter")
        for _ in range(200):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if app.main_screen.search_done:
                break
        assert app.main_screen.search_done
        assert len(app.main_screen.search_lines) == 50
        assert cursor(app) == 1000
        await pilot.press("n")
        assert cursor(app) == 2000
        assert "match 2/50" in status_text(app)
