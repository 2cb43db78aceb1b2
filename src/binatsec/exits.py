"""Exit codes and failure handling: every failure a user can cause becomes one line on stderr.

0 success; 1 nothing found, or problems found by lint, or output that cannot be written;
2 usage errors (unknown option, category, id or pillar; an unusable content folder);
130 interrupted. Never a traceback.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from typing import Any

import typer

from binatsec.loader import ContentError
from binatsec.output import PROG, output_failed, say, tolerate_unencodable

OK, NOT_FOUND, USAGE, INTERRUPTED = 0, 1, 2, 130


class NothingFound(Exception):
    """A query matched nothing: exit 1 with this message."""


class UnknownCommand(Exception):
    """A command name that does not exist: exit 2 with this message."""


class Interrupted(Exception):
    """Ctrl-C, carried past Typer (which would end the run silently): exit 130."""


class ContentProblem(Exception):
    """The content in use is invalid: exit 2 listing every problem."""

    def __init__(self, error: ContentError) -> None:
        self.error = error
        super().__init__(str(error))


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
    except UnknownCommand as error:
        say(f"error: {error} (see '{PROG} --help')")
        return USAGE
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
    except OSError as error:
        failed = output_failed(error)
        if failed is None:
            raise
        return failed
    return result if isinstance(result, int) else OK
