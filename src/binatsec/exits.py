"""Exit codes and failure handling: every failure a user can cause becomes one line on stderr.

0 success; 1 nothing found, or problems found by lint, or output that cannot be written;
2 usage errors (unknown option, category, id or pillar; an unusable content folder);
130 interrupted. Never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import sys
from collections.abc import Callable
from typing import Any

import typer

from binatsec.loader import ContentError
from binatsec.output import encodes_unicode, tolerate_unencodable

PROG = "binatsec"
OK, NOT_FOUND, USAGE, INTERRUPTED = 0, 1, 2, 130


class NothingFound(Exception):
    """A query matched nothing: exit 1 with this message."""


class Interrupted(Exception):
    """Ctrl-C, carried past Typer (which would end the run silently): exit 130."""


class ContentProblem(Exception):
    """The content in use is invalid: exit 2 listing every problem."""

    def __init__(self, error: ContentError) -> None:
        self.error = error
        super().__init__(str(error))


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def say(message: str) -> None:
    """One line on stderr, prefixed with the program name; never fails.

    Control characters (from a user's query or file) are shown escaped, so a message can
    neither drive the terminal nor break into several lines.
    """
    safe = _CONTROL.sub(lambda m: repr(m.group())[1:-1], message)
    if sys.stderr is None:  # started with stderr closed (2>&-): nobody to tell
        return
    try:
        if not encodes_unicode(sys.stderr) and hasattr(sys.stderr, "reconfigure"):
            sys.stderr.reconfigure(errors="backslashreplace")
        sys.stderr.write(f"{PROG}: {safe}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _silence_stdout() -> None:
    """Point stdout at /dev/null so Python's exit-time flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _usage_hint(error: typer.TyperException) -> str:
    ctx = getattr(error, "ctx", None)
    command = ctx.command_path if ctx is not None else PROG
    return f" (see '{command} --help')"


def run(invoke: Callable[[], Any]) -> int:
    """Call `invoke` (the click main in non-standalone mode) and map every outcome to a code."""
    # --help and Typer's own messages are written by click, not by binatsec: on an ASCII or
    # Latin-1 stdout the '–' in the help would otherwise end in a UnicodeEncodeError.
    if sys.stdout is None:
        # Started with stdout closed (>&-): Python leaves sys.stdout as None.
        say("error: cannot write output: standard output is closed")
        return NOT_FOUND
    tolerate_unencodable(sys.stdout)
    try:
        try:
            result = invoke()
        finally:
            sys.stdout.flush()
    except NothingFound as error:
        say(str(error))
        return NOT_FOUND
    except ContentProblem as problem:
        for item in problem.error.problems:
            say(f"content error: {item}")
        say("fix the file(s) above, or check them with 'binatsec lint PATH'")
        return USAGE
    except typer.Exit as done:
        return done.exit_code
    except (typer.Abort, KeyboardInterrupt, Interrupted):
        # Start on a fresh line: the terminal has just echoed ^C mid-line.
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.write("\n")
        say("interrupted")
        return INTERRUPTED
    except typer.TyperException as error:
        code = int(getattr(error, "exit_code", 1))
        hint = _usage_hint(error) if code == USAGE else ""
        say(f"error: {error.format_message()}{hint}")
        return code
    except BrokenPipeError:
        # The reader went away (| head): nothing more to say, and nobody to say it to.
        _silence_stdout()
        return OK
    except OSError as error:
        if error.errno in (errno.ENOSPC, errno.EIO, errno.EFBIG, errno.EDQUOT):
            _silence_stdout()
            say(f"error: cannot write output: {error.strerror}")
            return NOT_FOUND
        raise
    return result if isinstance(result, int) else OK
