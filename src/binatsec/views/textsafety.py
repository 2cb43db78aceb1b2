"""The one rule for showing text that came from content or from a user: it can't take over.

Terminal controls (C0 but newline and tab, DEL, C1: ESC, BEL, CR, CSI ...) could move the
cursor, retitle the window or hide text; bidirectional overrides and isolates can make text
display in another order than it reads ("Trojan Source"). Every path that shows content or
echoes input goes through `safe_text`: the terminal, stderr messages, quiz prompts, Markdown
and CSV. JSON keeps text verbatim and escapes these instead (views.json).
"""

from __future__ import annotations

import re
from functools import cache

UNSAFE = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
# Lone surrogates: bytes that were not UTF-8 (in an argument or a file name) reach Python as
# U+DC80-U+DCFF, and no UTF-8 stream can carry them.
SURROGATES = "[\ud800-\udfff]"
SHOWN_LIMIT = 80  # how much of a quoted value (a user's input) a message shows


@cache  # compiled on first use: the JSON path never needs it
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    return re.compile(UNSAFE), re.compile("[\n\t]"), re.compile(SURROGATES)


def _escaped(match: re.Match[str]) -> str:
    return repr(match.group())[1:-1]


def safe_text(text: str, visible: bool = False, one_line: bool = False) -> str:
    """`text` with every unsafe character dropped, or with `visible` shown escaped ('\\x1b').

    `one_line` also escapes newlines and tabs, so a message stays on its line.
    """
    unsafe, line_breaks, surrogates = _patterns()
    if visible:
        text = surrogates.sub(_escaped, unsafe.sub(_escaped, text))
        return line_breaks.sub(_escaped, text) if one_line else text
    text = surrogates.sub("\ufffd", unsafe.sub("", text))
    return line_breaks.sub(" ", text) if one_line else text


def without_surrogates(text: str) -> str:
    """`text` with lone surrogates replaced by U+FFFD, so it encodes as valid UTF-8."""
    return _patterns()[2].sub("\ufffd", text)
