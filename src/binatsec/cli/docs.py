"""`binatsec schema` and `binatsec man`: the documents that describe binatsec itself.

They print documents as they are (a JSON Schema, a roff man page), not a `--json` envelope,
so the global --json does not apply to them. The man page is made by walking the same Typer
command tree that parses the command line, so it lists exactly the commands, options and
examples that `--help` shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any, Optional

import typer
from typer.models import CommandInfo

from binatsec import __version__, errors, queries
from binatsec.cli.session import session, usage_error
from binatsec.corpus.resources import CONTENT_DIR_ENV
from binatsec.environment import CACHE_DIR_ENV, DATA_DIR_ENV, PAGER_ENV
from binatsec.i18n import N_, _
from binatsec.streams import PROG

registry = typer.Typer()


def info(name: str) -> CommandInfo | None:
    return next((found for found in registry.registered_commands
                 if found.callback is not None and found.callback.__name__ == name), None)

EXIT_STATUS = (
    (str(errors.OK), N_("Success.")),
    (str(errors.NOT_FOUND), N_("Nothing found: words, an id or a category that find nothing, on "
     "every command that takes them; problems found by lint; a quiz that ended unfinished; "
     "or output that could not be written.")),
    (str(errors.USAGE), N_("A usage error: an unknown command or option, a value outside a "
     "closed set (a --section, --format, --unit, --source or --topic, a pillar number outside "
     "the pillars' range, a year out of range), or a content folder that cannot be used.")),
    (str(errors.UNAVAILABLE), N_("An optional library the output needs is not installed: "
                                 "WeasyPrint, for a PDF (pip install 'binatsec[pdf]').")),
    (str(errors.INTERNAL), N_("An internal error: a bug in binatsec, never the user's input "
                              "({variable}=1 shows the details).")),
    (str(errors.NOT_SAVED), N_("A quiz whose result could not be saved to the history; the "
     "result is still shown, and a line on stderr says why.")),
    (str(errors.INTERRUPTED), N_("Interrupted (Ctrl-C).")),
)

ENVIRONMENT = (
    (CONTENT_DIR_ENV, N_("A folder of your own content files, layered over the bundled content "
     "(the same as --content-dir).")),
    (DATA_DIR_ENV, N_("Where the quiz history is kept; by default the platform's user data "
     "folder ($XDG_DATA_HOME/binatsec on Linux).")),
    (CACHE_DIR_ENV, N_("Where checked content is cached between runs; by default the user cache "
     "folder ($XDG_CACHE_HOME/binatsec/corpus on Linux).")),
    (PAGER_ENV, N_("The pager for long output in a terminal; it overrides PAGER, and set but "
     "empty it turns paging off (as --no-pager does).")),
    ("PAGER", N_("The pager when BINATSEC_PAGER is not set; without either, less -R. LESS is set "
     "to FRX when it is not set, so output that fits on one screen is not paged.")),
    ("NO_COLOR", N_("When set and not empty, no colour or styles, even in a terminal.")),
    ("FORCE_COLOR", N_("When set and not empty, colour even when stdout is not a terminal "
     "(NO_COLOR wins).")),
    ("COLUMNS", N_("How wide to draw text output; by default the terminal's width, or 80. "
     "Help and prose are wrapped at 100 columns at most, however wide.")),
    ("LINES", N_("How many lines fit on the screen, when deciding whether to page.")),
    (errors.DEBUG_ENV, N_("When set, an internal error prints its traceback.")),
)

SEE_ALSO = N_("binatsec schema lists the JSON Schemas every --json document follows; "
              "binatsec COMMAND --help shows one command's options.")


def _refuse_json(ctx: typer.Context, what: str) -> None:
    if session(ctx).json:
        usage_error(f"'{PROG} {ctx.info_name}' prints {what}, not a JSON document; leave "
                    "out --json", "--json")


def _schema_names(incomplete: str) -> list[str]:
    from binatsec.views import schemas

    return [name for name in schemas.names() if name.startswith(incomplete)]


@registry.command(epilog="""Examples:
    binatsec schema
    binatsec schema stats
    binatsec schema common""")
def schema(
    ctx: typer.Context,
    name: Annotated[Optional[str], typer.Argument(  # noqa: UP045 - Typer reads it at run time
        help="A schema's name: a command (stats, quiz-history) or common, the shared "
        "definitions; none lists them all.", metavar="NAME", autocompletion=_schema_names,
        show_default=False)] = None,
) -> None:
    """Print the JSON Schema that a command's --json document follows, or list them all.

    Schemas are printed as they are stored: save them side by side (binatsec schema NAME >
    NAME.schema.json) and their references to common.schema.json resolve.
    """
    from binatsec.views import schemas

    _refuse_json(ctx, "JSON Schemas as they are stored")
    names = schemas.names()
    session(ctx).keep_answer = True  # the same for the same version (binatsec/answers.py)
    out = session(ctx).env.stdout
    assert out is not None  # errors.run ends a run with stdout closed before any command
    if name is None:
        width = max(len(known) for known in names)
        out.write("".join(f"{known.ljust(width)}  {schemas.title(known)}\n"
                          for known in names))
        return
    wanted = name.strip().removesuffix(schemas.SUFFIX).replace(" ", "-")
    if wanted not in names:
        usage_error(str(queries.NotFound("schema", name, names)), "NAME")
    out.write(schemas.text(wanted))


@registry.command(epilog="""Examples:
    binatsec man | man -l -
    binatsec man > binatsec.1""")
def man(ctx: typer.Context) -> None:
    """Print binatsec's manual page, binatsec(1), as roff for man to show.

    It is made from the same commands, options and examples as --help, with the exit codes
    and the environment variables binatsec reads.
    """
    from binatsec.views import manpage

    _refuse_json(ctx, "a man page")
    root = ctx.find_root().command
    described = list(describe(root, typer.Context(root, info_name=PROG,
                                                  **root.context_settings)))
    # The NAME line: the help's first clause ("An offline reference on ..."), lower case.
    summary = " ".join(re.split(r"[:.]", root.help or PROG)[0].split())
    page = manpage.Page(
        name=PROG, version=__version__, summary=summary[:1].lower() + summary[1:],
        root=described[0], commands=tuple(described[1:]),
        exit_status=tuple((code, _(text).format(variable=errors.DEBUG_ENV))
                          for code, text in EXIT_STATUS),
        environment=tuple((name, _(text)) for name, text in ENVIRONMENT),
        see_also=_(SEE_ALSO))
    session(ctx).keep_answer = True  # the same for the same version (binatsec/answers.py)
    out = session(ctx).env.stdout
    assert out is not None
    out.write(manpage.render(page))


def describe(command: Any, ctx: typer.Context) -> Iterator[Any]:
    """Every command under `command` (itself first) as the man page shows it."""
    from binatsec.cli.examples import example_lines
    from binatsec.cli.helpformat import localize
    from binatsec.views.manpage import CommandDoc

    localize(command, ctx)  # its help in the run's language, as --help shows it
    path = ctx.command_path
    records = [(param.param_type_name, record) for param in command.get_params(ctx)
               if (record := param.get_help_record(ctx)) is not None]
    yield CommandDoc(path=path, usage=" ".join([path, *command.collect_usage_pieces(ctx)]),
                     help=(command.help or "").partition("\f")[0],
                     arguments=tuple(r for kind, r in records if kind == "argument"),
                     options=tuple(r for kind, r in records if kind != "argument"),
                     examples=tuple(example_lines(command.epilog)))
    if hasattr(command, "list_commands"):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                yield from describe(sub, typer.Context(sub, info_name=name, parent=ctx,
                                                       **sub.context_settings))
