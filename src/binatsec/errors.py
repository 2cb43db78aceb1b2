"""The failures a user can cause, and the one place that turns each into an exit code.

0 success; 1 nothing found (words that find nothing, on every command that takes them),
problems found by lint, a quiz that ended unfinished, or output that cannot be written; 2
usage errors (an unknown command or option, a value outside a closed set: a section, format,
unit, source, topic or pillar number; an unusable content folder); 69 an optional library the
output needs is not installed (WeasyPrint, for PDF); 70 a bug in binatsec; 73 a quiz whose
result could not be saved to the history; 130 interrupted. Always one line on
stderr per message, never a traceback.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import typer

from binatsec.i18n import ENGLISH, _, language, ngettext
from binatsec.streams import PROG, ReaderGone, output_failed, say, silence_stdout

if TYPE_CHECKING:
    from binatsec.corpus.problems import ContentError
    from binatsec.environment import Environment

OK, NOT_FOUND, USAGE, INTERRUPTED = 0, 1, 2, 130
# EX_UNAVAILABLE: the output asked for needs an optional library (an extra) that is not
# installed; nothing was wrong with the input, so a script can tell it from a usage error.
UNAVAILABLE = 69
INTERNAL = 70  # EX_SOFTWARE: a bug in binatsec, never the user's input
# EX_CANTCREAT: a quiz was played (and its result shown) but could not be recorded, so a
# script that plays quizzes learns that its history is not growing.
NOT_SAVED = 73
DEBUG_ENV = "BINATSEC_DEBUG"


class NothingFound(Exception):
    """A query matched nothing: exit 1 with this message."""


class UnknownCommand(Exception):
    """A command name that does not exist: exit 2 with this message."""


class Unavailable(Exception):
    """What was asked for needs an optional library that is missing: exit 69 with this
    message, which names the extra to install."""


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
    return _(" (see '{command} --help')").format(command=command)


def message_of(error: typer.TyperException) -> str:
    """What a usage error says, in the run's language. Click writes its messages in English
    inside the exception; in another language they are written again from the exception's
    type and parameters (never by reading its English): an unknown option, a missing argument
    or option, a value a parameter refuses (its reason as the parameter gave it)."""
    if language() == ENGLISH:
        return error.format_message()
    from typer._click import exceptions as click

    if isinstance(error, click.NoSuchOption):
        said = _("No such option: {option}").format(option=error.option_name)
        if error.possibilities:
            said += " " + ngettext("(Possible option: {options})",
                                   "(Possible options: {options})",
                                   len(error.possibilities)).format(
                options=", ".join(sorted(error.possibilities)))
        return said
    if isinstance(error, click.MissingParameter):
        hint = _param_hint(error)
        kind = error.param_type or (error.param.param_type_name if error.param else "")
        if kind == "argument":
            said = _("Missing argument {name}.")
        elif kind == "option":
            said = _("Missing option {name}.")
        else:
            said = _("Missing parameter {name}.")
        return " ".join(said.format(name=hint).split())
    if isinstance(error, click.BadParameter):
        hint = _param_hint(error)
        if not hint:
            return _("Invalid value: {message}").format(message=error.message)
        return _("Invalid value for {name}: {message}").format(name=hint, message=error.message)
    return error.format_message()


def _param_hint(error: Any) -> str:
    """The parameter an error is about, as click names it ('WORDS...', '--format')."""
    hint = error.param_hint
    if hint is None and error.param is not None:
        hint = error.param.get_error_hint(error.ctx)
    if hint is None:
        return ""
    if isinstance(hint, str):
        return hint
    return " / ".join(repr(item) for item in hint)


def run(invoke: Callable[[], Any], env: Environment) -> int:
    """Call `invoke` (the click main in non-standalone mode) and map every outcome to a code."""
    if env.stdout is None:
        # Started with stdout closed (>&-): Python leaves sys.stdout as None.
        say(_("error: cannot write output: standard output is closed"), env.stderr)
        return NOT_FOUND
    try:
        try:
            result = invoke()
        finally:
            env.stdout.flush()
    except NothingFound as error:
        say(str(error), env.stderr)
        return NOT_FOUND
    except ReaderGone:
        silence_stdout()
        return OK
    except Unavailable as error:
        say(_("error: {message}").format(message=error), env.stderr)
        return UNAVAILABLE
    except UnknownCommand as error:
        say(_("error: {message}").format(message=error)
            + _(" (see '{command} --help')").format(command=PROG), env.stderr)
        return USAGE
    except ContentProblem as problem:
        for item in problem.error.problems:
            say(_("content error: {problem}").format(problem=item), env.stderr)
        if problem.error.truncated:
            count = len(problem.error.problems)
            say(ngettext("stopped after the first {count} problem; there may be more",
                         "stopped after the first {count} problems; there may be more", count)
                .format(count=count), env.stderr)
        say(_("fix the file(s) above, or check them with 'binatsec lint PATH'"), env.stderr)
        return USAGE
    except typer.Exit as done:
        return done.exit_code
    except (typer.Abort, KeyboardInterrupt, Interrupted):
        # Start on a fresh line: the terminal has just echoed ^C mid-line.
        if env.stderr is not None:
            with contextlib.suppress(OSError, ValueError):
                env.stderr.write("\n")
        say(_("interrupted"), env.stderr)
        return INTERRUPTED
    except typer.TyperException as error:
        code = int(getattr(error, "exit_code", 1))
        hint = _usage_hint(error) if code == USAGE else ""
        say(_("error: {message}").format(message=message_of(error)) + hint, env.stderr)
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
    say(_("internal error: {name}: {error} (a bug in binatsec: please report it; {variable}=1 "
          "shows the details)").format(name=type(error).__name__, error=error,
                                       variable=DEBUG_ENV), env.stderr)
    return INTERNAL
