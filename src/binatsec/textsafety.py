"""The one rule for showing text that came from content or from a user: it can't take over.

Terminal controls (C0 but newline and tab, DEL, C1: ESC, BEL, CR, CSI ...) could move the
cursor, retitle the window, write the clipboard or hide links; bidirectional overrides,
isolates and marks can make text display in another order than it reads ("Trojan Source");
line and paragraph separators break lines where no newline shows; invisible format
characters (zero-width spaces and joiners, U+FEFF, tag characters) hide text. All of them
are dropped here, and nowhere else.

Text that passed the rule is a `SafeText`, a type mypy tells apart from `str`: the sinks
that write content for people (the Markdown and CSV writers, the terminal views' text
builder) take `SafeText` only, so a path that skips the rule is a type error. The terminal's
console applies the same rule to every segment it draws (views.terminal.SafeConsole), so
even a string that reached Rich some other way is cleaned. JSON keeps text verbatim and
escapes these characters instead (views.json).
"""

from __future__ import annotations

import re
from functools import cache
from typing import NewType

SafeText = NewType("SafeText", str)
"""Text with no terminal control, bidi control or invisible format character in it."""

# C0 controls but tab and newline, DEL and the C1 controls; then every character of Unicode
# category Cf (format: bidi controls, zero-width characters, U+FEFF, tags; the list is
# Unicode 14's, and tests/test_render_text.py checks it against unicodedata), and the line
# and paragraph separators U+2028 and U+2029.
UNSAFE = (
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]"
)
# Lone surrogates: bytes that were not UTF-8 (in an argument or a file name) reach Python as
# U+DC80-U+DCFF, and no UTF-8 stream can carry them.
SURROGATES = "[\ud800-\udfff]"
SHOWN_LIMIT = 80  # how much of a quoted value (a user's input) a message shows


@cache  # compiled on first use: the JSON path never needs it
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    return re.compile(UNSAFE), re.compile("[\n\t]"), re.compile(SURROGATES)


def _escaped(match: re.Match[str]) -> str:
    return repr(match.group())[1:-1]


def safe_text(text: str, one_line: bool = False) -> SafeText:
    """`text` with every unsafe character dropped and lone surrogates made U+FFFD.

    `one_line` also turns newlines and tabs into spaces, so a value stays on its line.
    """
    if text.isprintable():
        # Checked in C: every character the rule drops or changes (controls, format and
        # bidi characters, line and paragraph separators, newlines, tabs, surrogates) is
        # one Python calls unprintable, and most text has none (an edition of 70,000
        # records asks this half a million times).
        return SafeText(text)
    unsafe, line_breaks, surrogates = _patterns()
    text = surrogates.sub("\ufffd", unsafe.sub("", text))
    return SafeText(line_breaks.sub(" ", text) if one_line else text)


def visible_text(text: str) -> SafeText:
    """`text` on one line with every unsafe character, newline and tab shown escaped
    ('\\x1b', '\\n'): for messages that quote what a user typed or a file holds."""
    unsafe, line_breaks, surrogates = _patterns()
    text = surrogates.sub(_escaped, unsafe.sub(_escaped, text))
    return SafeText(line_breaks.sub(_escaped, text))


def unsafe_characters(text: str) -> list[tuple[int, str]]:
    """Where the rule would drop something in `text`: (offset, character) pairs."""
    return [(match.start(), match.group()) for match in _patterns()[0].finditer(text)]


def without_surrogates(text: str) -> str:
    """`text` with lone surrogates replaced by U+FFFD, so it encodes as valid UTF-8."""
    return _patterns()[2].sub("\ufffd", text)
