"""The failures a user can cause, and the one place that turns each into an exit code.

0 success; 1 nothing found (words that find nothing, on every command that takes them),
problems found by lint, a quiz that ended unfinished, or output that cannot be written; 2
usage errors (an unknown command or option, a value outside a closed set: a section, format,
unit, source, topic or pillar number; an unusable content folder); 70 a bug in binatsec; 73
a quiz whose result could not be saved to the history; 130 interrupted. Always one line on
stderr per message, never a traceback.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import typer

from binatsec.streams import PROG, output_failed, say

if TYPE_CHECKING:
    from binatsec.corpus.problems import ContentError
    from binatsec.environment import Environment

OK, NOT_FOUND, USAGE, INTERRUPTED = 0, 1, 2, 130
INTERNAL = 70  # EX_SOFTWARE: a bug in binatsec, never the user's input
# EX_CANTCREAT: a quiz was played (and its result shown) but could not be recorded, so a
# script that plays quizzes learns that its history is not growing.
NOT_SAVED = 73
DEBUG_ENV = "BINATSEC_DEBUG"


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


def run(invoke: Callable[[], Any], env: Environment) -> int:
    """Call `invoke` (the click main in non-standalone mode) and map every outcome to a code."""
    if env.stdout is None:
        # Started with stdout closed (>&-): Python leaves sys.stdout as None.
        say("error: cannot write output: standard output is closed", env.stderr)
        return NOT_FOUND
    try:
        try:
            result = invoke()
        finally:
            env.stdout.flush()
    except NothingFound as error:
        say(str(error), env.stderr)
        return NOT_FOUND
    except UnknownCommand as error:
        say(f"error: {error} (see '{PROG} --help')", env.stderr)
        return USAGE
    except ContentProblem as problem:
        for item in problem.error.problems:
            say(f"content error: {item}", env.stderr)
        if problem.error.truncated:
            say(f"stopped after the first {len(problem.error.problems)} problems; "
                "there may be more", env.stderr)
        say("fix the file(s) above, or check them with 'binatsec lint PATH'", env.stderr)
        return USAGE
    except typer.Exit as done:
        return done.exit_code
    except (typer.Abort, KeyboardInterrupt, Interrupted):
        # Start on a fresh line: the terminal has just echoed ^C mid-line.
        if env.stderr is not None:
            with contextlib.suppress(OSError, ValueError):
                env.stderr.write("\n")
        say("interrupted", env.stderr)
        return INTERRUPTED
    except typer.TyperException as error:
        code = int(getattr(error, "exit_code", 1))
        hint = _usage_hint(error) if code == USAGE else ""
        say(f"error: {error.format_message()}{hint}", env.stderr)
        return code
    except OSError as error:
        failed = output_failed(error)
        if failed is not None:
            return failed
        return _internal(error, env)
    except Exception as error:  # the last line of defence: one line, never a traceback
        return _internal(error, env)
    return result if isinstance(result, int) else OK


def _internal(error: Exception, env: Environment) -> int:
    """A failure binatsec did not foresee: one line naming it, the traceback only on request."""
    import os

    if os.environ.get(DEBUG_ENV):
        import traceback

        traceback.print_exception(error, file=env.stderr)
    say(f"internal error: {type(error).__name__}: {error} (a bug in binatsec: please report "
        f"it; {DEBUG_ENV}=1 shows the details)", env.stderr)
    return INTERNAL
