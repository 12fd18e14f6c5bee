"""Reading logs: line numbering, normalization, compression and bad input."""

from __future__ import annotations

import bz2
import gzip
import lzma

import pytest

from faultline_tui.engine.errors import InputError
from faultline_tui.engine.logs import display_text, match_text, normalize_chunk, open_log, styled_text


@pytest.mark.parametrize(
    ("content", "lines"),
    [
        (b"", 0),
        (b"a", 1),
        (b"a\n", 1),
        (b"a\nb", 2),
        (b"a\r\nb\r\n", 2),
        (b"\n\n\n", 3),
        (b"a\rb\nc\n", 2),  # a lone \r is not a line break
    ],
)
def test_line_count_matches_grep_n(write_log, content, lines):
    """Physical lines are counted like grep -n (a final break adds no empty line)."""
    with open_log(str(write_log(content))) as log:
        assert log.line_count == lines


def test_raw_line_strips_crlf_and_keeps_numbers(write_log):
    """Line N is the Nth physical line, without its \\r\\n."""
    with open_log(str(write_log(b"one\r\n\r\nthree\r\n"))) as log:
        assert [log.raw_line(i) for i in (1, 2, 3)] == ["one", "", "three"]


def test_undecodable_bytes_never_crash(write_log):
    """Invalid UTF-8 is decoded with replacement characters."""
    with open_log(str(write_log(b"caf\xe9 \xff ok\n"))) as log:
        assert log.raw_line(1) == "caf\ufffd \ufffd ok"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[31mred\x1b[0m text", "red text"),
        ("\x1b]0;title\x07visible", "visible"),
        ("\x1b]8;;https://x.org\x1b\\link\x1b]8;;\x1b\\", "link"),
        ("10%\r50%\r100%", "100%"),
        ("downloading 10%\rdone", "doneloading 10%"),  # a terminal overwrites in place
        ("travis_fold:start:install\r\x1b[0K$ npm ci", "$ npm ci"),
        ("a\x08b", "ab"),
    ],
)
def test_display_text_is_what_a_terminal_shows(raw, shown):
    """Escape sequences vanish and \\r overwrites resolve to the final screen."""
    assert display_text(raw) == shown


@pytest.mark.parametrize(
    ("display", "matched"),
    [
        ("2024-05-01T10:00:00.1234567Z ##[error]Process completed", "Process completed"),
        ("::error file=a.py,line=3::Boom", "Boom"),
        ("##[group]Run make", "Run make"),
        ("section_start:1712345678:build_script\r\x1b[0Kbuild", "build"),
        ("section_end:1712345678:build_script", ""),
        ("a   b\t\tc", "a b c"),
    ],
)
def test_match_text_strips_ci_decorations(display, matched):
    """Timestamps, CI markers and whitespace runs are not matched as text."""
    text, cols = match_text(display_text(display))
    assert text == matched
    assert len(cols) == len(text) + 1


def test_match_text_columns_point_into_display():
    """Each match-text character maps back to its display column."""
    display = "2024-05-01T10:00:00.1Z error:  boom"
    text, cols = match_text(display)
    i = text.index("boom")
    assert display[cols[i] : cols[i + 3] + 1] == "boom"


def test_normalize_chunk_equals_per_line_normalization():
    """The bulk chunk normalization agrees with the per-line one, line for line."""
    lines = [
        "2024-05-01T10:00:00.1234567Z ##[error]npm ERR! code  E404",
        "\x1b[1m\x1b[31mFAIL\x1b[0m src/a.test.ts",
        "travis_fold:end:x\r\x1b[0Ktravis_time:start:y\r\x1b[0K$ make   test",
        "plain line\r",
        "progress 1%\rprogress 100%",
    ]
    chunk = "\n".join(lines).encode() + b"\n"
    bulk = normalize_chunk(chunk).decode().split("\n")[:-1]
    assert bulk == [match_text(display_text(ln))[0] for ln in lines]


def test_styled_text_reports_sgr_spans():
    """SGR colours come back as spans over the display text."""
    text, spans = styled_text("ok \x1b[1;31mFAIL\x1b[0m done")
    assert text == "ok FAIL done"
    assert spans == [(3, 7, "1;31")]


@pytest.mark.parametrize(
    ("compress", "suffix"),
    [(gzip.compress, ".gz"), (bz2.compress, ".bz2"), (lzma.compress, ".xz"), (gzip.compress, ".txt")],
)
def test_compressed_logs_are_read_by_magic_bytes(write_log, compress, suffix):
    """gzip, bzip2 and xz are recognised by content, whatever the suffix."""
    path = write_log(compress(b"first\nsecond\n"), "build" + suffix)
    with open_log(str(path)) as log:
        assert (log.line_count, log.raw_line(2)) == (2, "second")


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda p: p / "missing.log", "no such file"),
        (lambda p: p, "is a directory"),
        (lambda p: (p / "bin.log").write_bytes(b"\x00\x01\x02" * 500) and p / "bin.log", "binary"),
        (lambda p: (p / "bad.gz").write_bytes(gzip.compress(b"x" * 100)[:15]) and p / "bad.gz", "not a valid gzip"),
    ],
)
def test_bad_input_is_one_clear_error(tmp_path, setup, message):
    """Missing, directory, binary and corrupt input raise InputError with a clear message."""
    with pytest.raises(InputError, match=message):
        open_log(str(setup(tmp_path)))


def test_chunks_cover_every_line_once(write_log, monkeypatch):
    """Chunked reading cuts at line breaks and numbers lines continuously."""
    import faultline_tui.engine.logs as logs

    monkeypatch.setattr(logs, "CHUNK_SIZE", 16)
    text = "".join(f"line {i}\n" for i in range(1, 101))
    with open_log(str(write_log(text))) as log:
        seen = []
        for first, _off, chunk in log.chunks():
            parts = chunk.decode().splitlines()
            seen += [(first + k, p) for k, p in enumerate(parts)]
        assert seen == [(i, f"line {i}") for i in range(1, 101)]
        assert log.line_count == 100 and log.raw_line(77) == "line 77"


@pytest.mark.parametrize("use_numpy", [True, False])
def test_index_paths_agree(write_log, monkeypatch, use_numpy):
    """The numpy and the pure-Python line index give the same line starts."""
    import faultline_tui.engine.logs as logs

    monkeypatch.setattr(logs, "USE_NUMPY", use_numpy)
    if use_numpy and logs._numpy() is None:
        pytest.skip("numpy not installed")
    monkeypatch.setattr(logs, "CHUNK_SIZE", 64)
    monkeypatch.setattr(logs, "_NUMPY_MIN", 0)
    text = "".join(f"{'x' * (i % 37)} {i}\r\n" for i in range(500)) + "tail"
    with open_log(str(write_log(text))) as log:
        assert log.line_count == 501
        assert [log.raw_line(n) for n in (1, 250, 500, 501)] == [
            " 0",
            f"{'x' * (249 % 37)} 249",
            f"{'x' * (499 % 37)} 499",
            "tail",
        ]
