"""Reading logs: open, decompress, memory-map, index physical lines, normalize text.

Lines are the physical lines of the input, numbered from 1 like ``grep -n``; ``\\r\\n``
is one break. Three views of a line exist:

* the *raw* line: the bytes between two ``\\n`` (minus trailing ``\\r``), decoded UTF-8
  with replacement;
* the *display* text: what a terminal would finally show: escape sequences removed and
  ``\\r`` overwrites resolved (progress bars reduced to their last state);
* the *match* text: the display text without CI decorations (GitHub timestamps and
  ``##[error]``/``::error::`` markers, GitLab section markers, Travis fold/time
  markers) and with runs of whitespace collapsed; patterns are matched against it.

Whole chunks are normalized with a handful of C-speed regular-expression passes; single
lines (for display and for the exact column of a hit) go through the same rules.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import mmap
import os
import re
import shutil
import sys
import tempfile
from array import array
from collections.abc import Callable, Iterator, Sequence
from itertools import accumulate, count
from operator import add
from typing import BinaryIO

from faultline_tui.engine.errors import InputError

_np: object = None  # numpy, imported on first use (it costs ~0.1 s of start-up)

CHUNK_SIZE = 8 << 20
_BINARY_SAMPLE = 8192

# --- escape sequences -------------------------------------------------------------
# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), other two-byte ESC sequences, and
# the remaining C0 controls except tab and newline (\r is handled separately).
_ESC_PATTERN = (
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b\n]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b\n]*(?:\x1b\\)?"
    r"|\x1b[ -/]*[0-~]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]"
)
_ESC_STR = re.compile(_ESC_PATTERN)
_SGR = re.compile(r"\x1b\[([0-9;:]*)m")
_ERASE_LINE = re.compile(r"\x1b\[[012]?K")

# --- CI decorations (stripped from the match text) --------------------------------
_DECORATION_PATTERN = (
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?"  # GitHub Actions timestamp
    r"|##\[[a-z]+\]"  # ##[error] ##[group] ...
    r"|::(?:error|warning|notice|debug|group|endgroup|add-mask|set-output)(?: [^:\n]*)?::"
    r"|section_(?:start|end):\d+:[A-Za-z0-9_.-]+(?:\[[^\]\n]*\])?"  # GitLab
    r"|travis_(?:fold|time):(?:start|end):[A-Za-z0-9_.:=,-]*"  # Travis
)
_DECORATION_STR = re.compile(_DECORATION_PATTERN, re.M)
_WS_STR = re.compile(r"[ \t]{2,}|\t")
_CRLF_BYTES = re.compile(rb"\r+(?=\n)|\r+\Z")


def _overwrite(text: str) -> str:
    """Resolve ``\\r`` returns and erase-line sequences like a terminal would.

    Each ``\\r`` moves the cursor to column 0 and later text overwrites earlier text;
    ``ESC[K`` erases from the cursor to the end. Other escapes take no columns.
    """
    if "\r" not in text and "\x1b[" not in text:
        return text
    screen: list[str] = []
    col = 0
    pos = 0
    for m in re.finditer(r"\r|\x1b\[[012]?K|" + _ESC_PATTERN, text):
        for ch in text[pos : m.start()]:
            if col < len(screen):
                screen[col] = ch
            else:
                screen.append(ch)
            col += 1
        tok = m.group()
        if tok == "\r":
            col = 0
        elif _ERASE_LINE.fullmatch(tok):
            if tok in ("\x1b[K", "\x1b[0K"):
                del screen[col:]
            elif tok == "\x1b[1K":
                screen[:col] = [" "] * min(col, len(screen))
            else:
                screen.clear()
        pos = m.end()
    for ch in text[pos:]:
        if col < len(screen):
            screen[col] = ch
        else:
            screen.append(ch)
        col += 1
    return "".join(screen)


def display_text(raw: str) -> str:
    """The text a terminal would finally show for one raw line."""
    raw = raw.rstrip("\r")
    if "\r" in raw or ("\x1b[" in raw and _ERASE_LINE.search(raw)):
        return _ESC_STR.sub("", _overwrite(raw))
    return _ESC_STR.sub("", raw)


def styled_text(raw: str) -> tuple[str, list[tuple[int, int, str]]]:
    """Display text plus SGR colour spans ``(start, end, params)`` in its coordinates.

    Lines whose ``\\r`` overwrites were resolved lose their colours (the overwritten
    state of a terminal's attributes is not worth emulating for progress bars).
    """
    raw = raw.rstrip("\r")
    if "\x1b" not in raw:
        return display_text(raw), []
    if "\r" in raw or _ERASE_LINE.search(raw):
        return display_text(raw), []
    out: list[str] = []
    spans: list[tuple[int, int, str]] = []
    col = 0
    current = ""
    start = 0
    pos = 0
    for m in _ESC_STR.finditer(raw):
        piece = raw[pos : m.start()]
        out.append(piece)
        col += len(piece)
        pos = m.end()
        sgr = _SGR.fullmatch(m.group())
        if sgr is None:
            continue
        params = sgr.group(1)
        if current and col > start:
            spans.append((start, col, current))
        if params in ("", "0"):
            current = ""
        else:
            current = f"{current};{params}" if current else params
            if params.startswith("0;"):
                current = params[2:]
        start = col
    piece = raw[pos:]
    out.append(piece)
    col += len(piece)
    if current and col > start:
        spans.append((start, col, current))
    return "".join(out), spans


def clean_text(display: str) -> str:
    """Display text without CI decorations (timestamps, ``##[error]`` markers), for reports."""
    return _DECORATION_STR.sub("", display).strip()


class _Identity:
    """A column map where every match-text column is the same display column."""

    __slots__ = ("_n",)

    def __init__(self, n: int):
        self._n = n

    def __getitem__(self, i: int) -> int:
        return i

    def __len__(self) -> int:
        return self._n


def match_text(display: str) -> tuple[str, Sequence[int]]:
    """The text patterns see, and for each of its characters the display column.

    The returned map has one extra entry at the end (the display length) so that an
    exclusive end offset maps too.
    """
    if "\t" not in display and "  " not in display and _DECORATION_STR.search(display) is None:
        return display, _Identity(len(display) + 1)  # the common case: nothing to strip
    pieces: list[str] = []
    cols: list[int] = []
    pos = 0
    for m in _DECORATION_STR.finditer(display):
        pieces.append(display[pos : m.start()])
        cols.extend(range(pos, m.start()))
        pos = m.end()
    pieces.append(display[pos:])
    cols.extend(range(pos, len(display)))
    text = "".join(pieces)
    if "\t" in text or "  " in text:
        out: list[str] = []
        out_cols: list[int] = []
        last = 0
        for m in _WS_STR.finditer(text):
            out.append(text[last : m.start()])
            out_cols.extend(cols[last : m.start()])
            out.append(" ")
            out_cols.append(cols[m.start()])
            last = m.end()
        out.append(text[last:])
        out_cols.extend(cols[last:])
        text, cols = "".join(out), out_cols
    cols.append(len(display))
    return text, cols


_CTRL_BYTES = bytes([*range(0, 9), 0x0B, 0x0C, *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
_TAB_TO_SPACE = bytes.maketrans(b"\t", b" ")
_SPACES = re.compile(rb"  +")
_ESC_SEQ_BYTES = re.compile(
    rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b\n]*(?:\x07|\x1b\\)?|[PX^_][^\x1b\n]*(?:\x1b\\)?|[ -/]*[0-~])"
)
_OVERWRITE_BYTES = re.compile(rb"\r|\x1b\[[12]K")
# Each decoration pass starts with a literal, so the regex engine skips ahead quickly;
# a pass runs only when its literal occurs in the chunk.
_TIMESTAMP_FIRST = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?")
_DECORATION_PASSES = (
    (b"Z", re.compile(rb"\n\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?"), b"\n"),
    (b"##[", re.compile(rb"##\[[a-z]+\]"), b""),
    (
        b"::",
        re.compile(rb"::(?:error|warning|notice|debug|group|endgroup|add-mask|set-output)(?: [^:\n]*)?::"),
        b"",
    ),
    (b"section_", re.compile(rb"section_(?:start|end):\d+:[A-Za-z0-9_.-]+(?:\[[^\]\n]*\])?"), b""),
    (b"travis_", re.compile(rb"travis_(?:fold|time):(?:start|end):[A-Za-z0-9_.:=,-]*"), b""),
)


def normalize_chunk(chunk: bytes) -> bytes:
    """Match text of a whole chunk of lines, with exactly as many ``\\n`` as the input.

    Equivalent to ``match_text(display_text(line))`` for every line, but done with
    whole-chunk passes (``bytes.replace``/``translate`` and literal-led regexes, all C
    speed) that are skipped when the chunk lacks what they remove.
    """
    if b"\r" in chunk:
        chunk = _CRLF_BYTES.sub(b"", chunk)
    if b"\r" in chunk or b"\x1b[2K" in chunk or b"\x1b[1K" in chunk:
        chunk = _resolve_overwrites(chunk)
    if b"\x1b" in chunk:
        chunk = _ESC_SEQ_BYTES.sub(b"", chunk)
    chunk = chunk.translate(_TAB_TO_SPACE, _CTRL_BYTES)
    first = _TIMESTAMP_FIRST.match(chunk)
    if first:
        chunk = chunk[first.end() :]
    for probe, pattern, repl in _DECORATION_PASSES:
        if probe in chunk:
            chunk = pattern.sub(repl, chunk)
    if b"  " in chunk:
        chunk = _SPACES.sub(b" ", chunk)
    return chunk


def _resolve_overwrites(chunk: bytes) -> bytes:
    """Apply ``\\r`` and erase-line sequences on the lines that contain them."""
    out: list[bytes] = []
    pos = 0
    size = len(chunk)
    m = _OVERWRITE_BYTES.search(chunk)
    while m is not None:
        start = chunk.rfind(b"\n", 0, m.start()) + 1
        end = chunk.find(b"\n", m.start())
        end = size if end < 0 else end
        out.append(chunk[pos:start])
        out.append(_overwrite(chunk[start:end].decode("utf-8", "replace")).encode("utf-8"))
        pos = end
        m = _OVERWRITE_BYTES.search(chunk, end)
    out.append(chunk[pos:])
    return b"".join(out)


# --- files --------------------------------------------------------------------------

_MAGIC = (
    (b"\x1f\x8b", "gzip", lambda f: gzip.GzipFile(fileobj=f)),
    (b"BZh", "bzip2", bz2.BZ2File),
    (b"\xfd7zXZ\x00", "xz", lzma.LZMAFile),
)


def _looks_binary(sample: bytes) -> bool:
    """True for data no log looks like: NUL bytes or mostly non-text control bytes."""
    if not sample:
        return False
    if sample.count(b"\x00") > len(sample) // 100:
        return True
    controls = sum(1 for b in sample if b < 9 or 13 < b < 27 or 27 < b < 32)
    return controls > len(sample) // 10


class LogFile:
    """A log opened for reading: memory-mapped bytes plus a compact physical line index.

    The index holds the byte offset of every line start in an ``array`` (4 bytes a line
    below 4 GiB). It is built by ``build_index`` or as a side effect of ``chunks``.
    """

    def __init__(
        self,
        path: str,
        name: str,
        data: bytes | mmap.mmap,
        keep: object = None,
        file_path: str | None = None,
    ):
        self.path = path
        self.name = name
        self._data = data
        self._keep = keep  # the file behind the map, open as long as the map is used
        self.size = len(data)
        #: the path of the uncompressed file on disk (None for stdin, archives, text)
        self.file_path = file_path
        self._starts: array[int] | None = None

    @property
    def compressed_or_stream(self) -> bool:
        """True when there is no plain file on disk to open (stdin, archive, text)."""
        return self.file_path is None

    # -- index ---------------------------------------------------------------------
    def chunks(
        self,
        progress: Callable[[float], None] | None = None,
        start: int = 0,
        end: int | None = None,
    ) -> Iterator[tuple[int, int, bytes]]:
        """Yield ``(first_line, byte_offset, chunk)`` for chunks cut at line breaks.

        Over the whole file the line index is built on the way when it does not exist
        yet. A byte range (``start`` at a line start) numbers its lines from 1 and
        leaves the index alone: it is how parallel workers read their share.
        """
        whole = start == 0 and end is None
        build = whole and self._starts is None
        starts: array[int] = array("I" if self.size < 2**32 else "Q", [0]) if build else array("I")
        yield from iter_chunks(
            self._data, start, self.size if end is None else end, starts if build else None, progress
        )
        if build:
            if len(starts) > 1 and starts[-1] >= self.size:
                starts.pop()  # the file ends with a line break: no empty last line
            if self.size == 0:
                starts = array("I")
            self._starts = starts

    def find_line_start(self, offset: int) -> int:
        """The first line start at or after ``offset`` (``size`` if none)."""
        if offset <= 0:
            return 0
        cut = self._data.find(b"\n", offset - 1)
        return self.size if cut < 0 else cut + 1

    @property
    def has_index(self) -> bool:
        return self._starts is not None

    def adopt_index(self, starts: array[int]) -> None:
        """Use a line index built elsewhere (by parallel workers)."""
        self._starts = starts

    def build_index(self, progress: Callable[[float], None] | None = None) -> None:
        """Index every line start (thread-safe to call from a worker)."""
        if self._starts is None:
            for _ in self.chunks(progress):
                pass

    @property
    def line_count(self) -> int:
        self.build_index()
        assert self._starts is not None
        return len(self._starts)

    def line_bytes(self, n: int) -> bytes:
        """Raw bytes of line ``n`` (1-based) without its line break."""
        self.build_index()
        starts = self._starts
        assert starts is not None
        if not 1 <= n <= len(starts):
            raise IndexError(n)
        start = starts[n - 1]
        end = starts[n] - 1 if n < len(starts) else self.size
        if end > start and self._data[end - 1 : end] == b"\n":
            end -= 1
        return bytes(self._data[start:end]).rstrip(b"\r")

    def raw_line(self, n: int) -> str:
        """Line ``n`` decoded (UTF-8 with replacement), escapes included."""
        return self.line_bytes(n).decode("utf-8", "replace")

    def display_line(self, n: int) -> str:
        """Line ``n`` as a terminal would finally show it."""
        return display_text(self.raw_line(n))

    def styled_line(self, n: int) -> tuple[str, list[tuple[int, int, str]]]:
        """Display text of line ``n`` plus its SGR colour spans."""
        return styled_text(self.raw_line(n))

    def close(self) -> None:
        if isinstance(self._data, mmap.mmap):
            self._data.close()
        if self._keep is not None:
            self._keep.close()  # type: ignore[attr-defined]

    def __enter__(self) -> LogFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


USE_NUMPY = True
#: Chunks smaller than this are indexed in pure Python, which beats importing numpy.
_NUMPY_MIN = 1 << 20


def _numpy() -> object:
    """numpy when installed (the optional fast path), else None."""
    global _np, USE_NUMPY
    if _np is None and USE_NUMPY:
        try:
            import numpy

            _np = numpy
        except ImportError:  # pragma: no cover - depends on the installation
            USE_NUMPY = False
    return _np if USE_NUMPY else None


def iter_chunks(
    data: bytes | mmap.mmap,
    start: int,
    end: int,
    starts: array[int] | None = None,
    progress: Callable[[float], None] | None = None,
) -> Iterator[tuple[int, int, bytes]]:
    """Chunks of ``data[start:end]`` cut after a line break, with their first line
    (counted from 1 at ``start``); line starts are appended to ``starts`` if given."""
    pos = start
    line = 1
    span = max(end - start, 1)
    while pos < end:
        cut = data.find(b"\n", min(pos + CHUNK_SIZE, end) - 1, end)
        cut = end if cut < 0 else cut + 1
        chunk = data[pos:cut]
        if starts is not None:
            _index_chunk(starts, chunk, pos)
        yield line, pos, chunk
        line += chunk.count(b"\n")
        pos = cut
        if progress is not None:
            progress((pos - start) / span)


def _index_chunk(starts: array[int], chunk: bytes, pos: int) -> None:
    """Append the offsets of the lines that start after each line break of ``chunk``."""
    np = _numpy() if len(chunk) >= _NUMPY_MIN else None
    if np is not None:
        breaks = np.flatnonzero(np.frombuffer(chunk, dtype=np.uint8) == 10)  # type: ignore[attr-defined]
        breaks += pos + 1
        starts.frombytes(breaks.astype(np.uint32 if starts.typecode == "I" else np.uint64).tobytes())  # type: ignore[attr-defined]
    else:
        parts = chunk.split(b"\n")
        starts.extend(map(add, accumulate(map(len, parts[:-1])), count(pos + 1)))


def _spool(src: BinaryIO) -> BinaryIO:
    tmp = tempfile.TemporaryFile(prefix="faultline-")  # noqa: SIM115 - returned to the caller
    shutil.copyfileobj(src, tmp, 1 << 20)
    tmp.flush()
    tmp.seek(0)
    return tmp


def _map(f: BinaryIO) -> bytes | mmap.mmap:
    size = os.fstat(f.fileno()).st_size
    if size == 0:
        return b""
    return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)


def open_log(path: str) -> LogFile:
    """Open a log by path, or ``-`` for standard input; gzip/bzip2/xz by magic bytes.

    Raises ``InputError`` with a one-line message for anything that is not a readable
    text log. The input is never modified.
    """
    name = "<stdin>" if path == "-" else os.path.basename(path)
    keep: BinaryIO | None = None
    try:
        if path == "-":
            f: BinaryIO = _spool(sys.stdin.buffer)
            keep = f
        else:
            if os.path.isdir(path):
                raise InputError(f"{path}: is a directory, not a log file")
            f = open(path, "rb")  # noqa: SIM115 - kept open by the map's owner
        head = f.read(8)
        f.seek(0)
        for magic, kind, opener in _MAGIC:
            if head.startswith(magic):
                try:
                    with opener(f) as z:  # type: ignore[operator]
                        spooled = _spool(z)
                except (OSError, EOFError, lzma.LZMAError) as e:
                    raise InputError(f"{path}: not a valid {kind} file ({e})") from None
                f.close()
                f = keep = spooled
                for suffix in (".gz", ".bz2", ".xz"):
                    if name.endswith(suffix):
                        name = name[: -len(suffix)]
                break
        data = _map(f)  # f stays open with the log: Windows needs it for the map
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a log file") from None
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror or e})") from None
    if _looks_binary(bytes(data[:_BINARY_SAMPLE])):
        if isinstance(data, mmap.mmap):
            data.close()
        f.close()
        raise InputError(f"{path}: looks like a binary file, not a text log")
    return LogFile(path, name, data, f, None if keep is not None else os.path.abspath(path))


def log_from_text(text: str, name: str = "<text>") -> LogFile:
    """A log held in memory (tests, examples)."""
    return LogFile(name, name, text.encode("utf-8"))


__all__ = [
    "LogFile",
    "clean_text",
    "display_text",
    "log_from_text",
    "match_text",
    "normalize_chunk",
    "open_log",
    "styled_text",
]
