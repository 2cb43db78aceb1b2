"""Writing to the standard streams so that it survives anything: any encoding, a closed pipe,
a full disk. Free of Typer and Rich, so even the `--version` fast path goes through it."""

from __future__ import annotations

import errno
import os
import re
import sys
from typing import IO

from binatsec.textsafety import SHOWN_LIMIT, visible_text

PROG = "binatsec"


def _shorten_quoted(message: str) -> str:
    """Cut every long quoted value in a message (a user's input, echoed by binatsec or by
    Typer) to SHOWN_LIMIT characters. Quotes are taken in pairs from the left."""
    def cut(match: re.Match[str]) -> str:
        quoted = match.group(1)
        return match.group() if len(quoted) <= SHOWN_LIMIT else f"'{quoted[:SHOWN_LIMIT - 1]}…'"

    return re.sub("'([^']*)'", cut, message)


def say(message: str, stream: IO[str] | None = None) -> None:
    """One line on stderr, prefixed with the program name; never fails.

    Control characters (from a user's query or file) are shown escaped, so a message can
    neither drive the terminal nor break into several lines.
    """
    out = stream if stream is not None else sys.stderr
    if out is None:  # started with stderr closed (2>&-): nobody to tell
        return
    try:
        line = _shorten_quoted(visible_text(message))
        out.write(f"{PROG}: {line}\n")
        out.flush()
    except (OSError, ValueError):
        pass


class ReaderGone(Exception):
    """The reader of stdout went away mid-answer (| head), found where an OSError would be
    taken for another failure (Typer ends a run on EPIPE with exit 1): exit 0, quietly."""


def silence_stdout() -> None:
    """Point stdout at /dev/null so Python's exit-time flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def output_failed(error: OSError) -> int | None:
    """The exit code for a failed write to stdout, after saying why; None if it wasn't one."""
    if isinstance(error, BrokenPipeError):
        # The reader went away (| head): nothing more to say, and nobody to say it to.
        silence_stdout()
        return 0
    if error.errno in (errno.ENOSPC, errno.EIO, errno.EFBIG, errno.EDQUOT):
        silence_stdout()
        say(f"error: cannot write output: {error.strerror}")
        return 1
    return None


def write_and_flush(text: str) -> int:
    """Write `text` to stdout now; the exit code: 0, or 1 when it could not be written."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as error:
        code = output_failed(error)
        if code is None:
            raise
        return code
    return 0
