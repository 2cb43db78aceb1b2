"""The terminal facts of one run, decided once and passed down (after httpie's Environment).

Which streams are terminals, whether stdout can carry any character, whether to use colour
(NO_COLOR, FORCE_COLOR, TERM=dumb, a terminal or not), how wide to draw, and which pager
long output goes through (BINATSEC_PAGER, PAGER, less) on a screen how tall. Tests build
their own `Environment` instead of patching globals.
"""

from __future__ import annotations

import codecs
import io
import os
import shutil
import sys
from collections.abc import Mapping
from typing import IO, Any

from binatsec.frozen import Frozen

MIN_WIDTH = 20
MAX_WIDTH = 1000
DEFAULT_WIDTH = 80
DEFAULT_HEIGHT = 24
PAGER_ENV = "BINATSEC_PAGER"
DEFAULT_PAGER = "less -R"


def is_terminal(stream: Any) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (ValueError, OSError):  # a closed stream
        return False


def encodes_unicode(stream: Any) -> bool:
    """Whether `stream` can carry any character (UTF-8/16/32), not just ASCII or Latin-1."""
    encoding = getattr(stream, "encoding", None) or "ascii"
    try:
        return codecs.lookup(encoding).name.startswith("utf")
    except LookupError:
        return False


def clamp_width(value: int) -> int:
    return max(MIN_WIDTH, min(MAX_WIDTH, value))


def _columns(environ: Mapping[str, str], stream: Any) -> int:
    """COLUMNS when it is a sane number, else the terminal's width, else 80; then clamped."""
    configured = environ.get("COLUMNS", "").strip()
    if configured.isascii() and configured.isdigit():
        # A number too long to be a width is simply very wide; never parse thousands of digits.
        return MAX_WIDTH if len(configured) > 7 else clamp_width(int(configured))
    if is_terminal(stream):
        try:
            return clamp_width(os.get_terminal_size(stream.fileno()).columns or DEFAULT_WIDTH)
        except (OSError, ValueError, AttributeError):
            return clamp_width(shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns)
    return DEFAULT_WIDTH


def wants_colour(environ: Mapping[str, str], stdout_is_terminal: bool) -> bool:
    """Colour and styles only for a terminal, and never with NO_COLOR or TERM=dumb."""
    if environ.get("NO_COLOR") or environ.get("TERM") == "dumb":
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return stdout_is_terminal


def pager_command(environ: Mapping[str, str], stdout_is_terminal: bool) -> str:
    """The pager long output for people goes through, chosen as git chooses one; "" for none.

    Only when stdout is a terminal that can run one (not TERM=dumb). $BINATSEC_PAGER when it
    is set, else $PAGER, else `less -R`; set but empty (or `cat`) means no pager at all.
    """
    if not stdout_is_terminal or environ.get("TERM") == "dumb":
        return ""
    for name in (PAGER_ENV, "PAGER"):
        if name in environ:
            chosen = environ[name].strip()
            break
    else:
        chosen = DEFAULT_PAGER
    return "" if chosen in ("", "cat") else chosen


def _rows(environ: Mapping[str, str], stream: Any) -> int:
    """LINES when it is a sane number, else the terminal's height, else 24: how many lines
    fit on one screen, so that output that fits is printed without a pager."""
    configured = environ.get("LINES", "").strip()
    if configured.isascii() and configured.isdigit() and len(configured) <= 7:
        return max(1, int(configured))
    try:
        return os.get_terminal_size(stream.fileno()).lines or DEFAULT_HEIGHT
    except (OSError, ValueError, AttributeError):
        return DEFAULT_HEIGHT


def _tolerant(stream: IO[str] | None, errors: str) -> None:
    """Let a stream that can't carry every character (ASCII, Latin-1) write a stand-in
    instead of raising UnicodeEncodeError, also for what Typer and click write."""
    if stream is not None and not encodes_unicode(stream) and isinstance(stream, io.TextIOWrapper):
        stream.reconfigure(errors=errors)


class Environment(Frozen):
    stdin: IO[str] | None
    stdout: IO[str] | None  # None when the program was started with stdout closed
    stderr: IO[str] | None
    stdin_is_terminal: bool
    stdout_is_terminal: bool
    unicode: bool  # stdout carries any character
    colour: bool
    width: int
    pager: str = ""  # the command that pages long output for people; "" for none
    height: int = 0  # the terminal's lines, when there is a pager: what fits on one screen

    @classmethod
    def detect(cls, environ: Mapping[str, str] | None = None) -> Environment:
        """The environment of this process, with its streams made safe to write to."""
        env = os.environ if environ is None else environ
        stdout = sys.stdout
        _tolerant(stdout, "replace")
        _tolerant(sys.stderr, "backslashreplace")
        stdout_is_terminal = is_terminal(stdout)
        pager = pager_command(env, stdout_is_terminal)
        return cls(stdin=sys.stdin, stdout=stdout, stderr=sys.stderr,
                   stdin_is_terminal=is_terminal(sys.stdin),
                   stdout_is_terminal=stdout_is_terminal,
                   unicode=encodes_unicode(stdout),
                   colour=wants_colour(env, stdout_is_terminal),
                   width=_columns(env, stdout),
                   pager=pager, height=_rows(env, stdout) if pager else 0)
