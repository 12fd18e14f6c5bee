"""SGR parameters (the ``1;31`` of ``ESC[1;31m``) turned into Rich styles.

The engine already dropped every escape sequence and hands the viewer colour spans;
this module only interprets their parameters, so no raw escape ever reaches Rich.
"""

from __future__ import annotations

from functools import lru_cache

from rich.ansi import SGR_STYLE_MAP
from rich.color import Color
from rich.style import Style

# Blinking and concealed text help nobody reading a log: those attributes stay inert.
_INERT = {5, 6, 8, 25, 26, 28}


def _extended(codes: list[int], i: int) -> tuple[Color | None, int]:
    """Parse ``5;n`` or ``2;r;g;b`` after a 38/48/58 code; return (color, next index)."""
    if i < len(codes) and codes[i] == 5 and i + 1 < len(codes):
        return Color.from_ansi(min(codes[i + 1], 255)), i + 2
    if i < len(codes) and codes[i] == 2 and i + 3 < len(codes):
        r, g, b = (min(c, 255) for c in codes[i + 1 : i + 4])
        return Color.from_rgb(r, g, b), i + 4
    return None, len(codes)


@lru_cache(maxsize=1024)
def sgr_style(params: str) -> Style:
    """The Rich style for accumulated SGR parameters such as ``"1;31"`` or ``"38;5;208"``.

    Unknown or malformed parameters are ignored rather than rejected: a log line must
    render whatever bytes the build tool wrote.
    """
    style = Style()
    try:
        codes = [int(c) if c else 0 for c in params.replace(":", ";").split(";")]
    except ValueError:
        return style
    i = 0
    while i < len(codes):
        code = codes[i]
        i += 1
        if code == 0:
            style = Style()
        elif code in (38, 48, 58):
            color, i = _extended(codes, i)
            if color is not None and code == 38:
                style += Style(color=color)
            elif color is not None and code == 48:
                style += Style(bgcolor=color)
        elif code in _INERT:
            continue
        elif code in SGR_STYLE_MAP:
            style += Style.parse(SGR_STYLE_MAP[code])
    return style
