"""The Typer app: global options, the overview, and a group that builds only the command run."""


import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperGroup

from binatsec import __version__, errors, queries, results
from binatsec.cli.session import JsonOption, Session, respond, session
from binatsec.corpus.resources import CONTENT_DIR_ENV
from binatsec.terminal import Environment


class BinatsecGroup(TyperGroup):
    """Typer's group, with binatsec's own error handling and exit codes around every run."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             windows_expand_args: bool = True, **extra: Any) -> Any:
        # Tests pass their own environment as `obj`; a real run detects it, once.
        given = extra.pop("obj", None)
        env = given if isinstance(given, Environment) else Environment.detect()

        def invoke() -> Any:
            return super(BinatsecGroup, self).main(
                args, prog_name, complete_var, standalone_mode=False,
                windows_expand_args=windows_expand_args, obj=Session(env), **extra)

        code = errors.run(invoke, env)
        if standalone_mode:
            sys.exit(code)
        return code

    def invoke(self, ctx: Any) -> Any:
        # Typer turns Ctrl-C into a silent exit 130, mid-line after the terminal's "^C";
        # passing it on as our own exception lets errors.run end the line and say so.
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise errors.Interrupted() from None

    # Subcommands are built when asked for, not all at start-up: Typer inspects every
    # parameter of every command to build it, which was a fifth of each run's time.

    def list_commands(self, ctx: Any) -> list[str]:
        from binatsec.cli import commands

        return [*commands.names(), "quiz"]

    def get_command(self, ctx: Any, name: str) -> Any:
        if name == "quiz":
            from binatsec.cli.quiz import quiz_app

            return typer.main.get_command(quiz_app)
        from binatsec.cli import commands

        info = commands.info(name)
        if info is None:
            return None
        return typer.main.get_command_from_info(
            info, pretty_exceptions_short=app.pretty_exceptions_short,
            rich_markup_mode=app.rich_markup_mode)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in self.list_commands(ctx):
            close = queries.suggest(name, self.list_commands(ctx), limit=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise errors.UnknownCommand(f"no such command '{name}'{hint}")
        return super().resolve_command(ctx, args)


app = typer.Typer(
    name="binatsec",
    cls=BinatsecGroup,
    rich_markup_mode=None,
    help="An offline reference on US–Mexico security cooperation: FAQ, myths, timeline, "
    "figures, and more, from one source article.",
    add_completion=True,
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"binatsec {__version__}\n")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def main(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", "-V", callback=_version, is_eager=True,
                           help="Print the version and exit.")
    ] = False,
    content_dir: Annotated[
        Optional[Path],  # noqa: UP045 - Typer reads this annotation at run time
        typer.Option("--content-dir", envvar=CONTENT_DIR_ENV, file_okay=False,
                     help="A folder of your own content files, layered over the bundled "
                     "content (records add or replace by id).", show_envvar=True),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """An offline reference on US–Mexico security cooperation.

    Run without a command for an overview of what is inside.
    """
    run = session(ctx)
    run.content_dir, run.json = content_dir, json_output
    if ctx.invoked_subcommand is None:
        respond(ctx, results.Overview(run.corpus(), run.language))
