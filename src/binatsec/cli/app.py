"""The Typer app: global options, the overview, and a group that builds only the command run.

The group also finishes each command's help as it builds it (`polish`): the whole first
paragraph as its line in `binatsec --help`, an "Examples:" epilog kept one command a line,
and value names that read naturally (N, TEXT, PATH, [kg|lb]). And it decides, once per run,
whether the output for people goes through a pager (`_pages`; views/pager.py does it).
"""


import sys
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperGroup

from binatsec import __version__, answers, errors, queries, results
from binatsec.cli.examples import EXAMPLES, example_lines
from binatsec.cli.session import JsonOption, Session, respond, session
from binatsec.corpus.resources import CONTENT_DIR_ENV
from binatsec.environment import Environment
from binatsec.i18n import N_, _

# Commands that print a document about binatsec itself (cli/docs.py), listed last.
DOCUMENT_COMMANDS = ("schema", "man")
# The first line of an epilog that lists examples, one command a line after it.
# Output that never goes through a pager: documents for other programs (export, man), the
# quiz, which asks as it goes (its history is paged like any listing), and JSON.
UNPAGED = ("export", "man", "quiz")
PAGED_SUBCOMMANDS = (("quiz", "history"),)
UNPAGED_OPTIONS = ("--json", "--quiz", "--no-pager")

# The options of the whole run, which every command also takes after its name
# (`binatsec stats --no-pager`), each where it does something: its help is the same there but
# for where else it goes. Whole sentences, as a translator needs them (the catalog).
CONTENT_DIR_HELP = N_("A folder of your own content files, layered over the bundled content "
                      "(records add or replace by id). Also after the command.")
CONTENT_DIR_AFTER_HELP = N_("A folder of your own content files, layered over the bundled "
                            "content (records add or replace by id). Also before the "
                            "command; $BINATSEC_CONTENT_DIR sets it.")
LANG_HELP = N_("The language of the output: en or es (all: both side by side, with --json "
               "only). Else $BINATSEC_LANG, else the locale (LC_ALL, LC_MESSAGES, LANG: "
               "es_* is Spanish), else English. Also after the command.")
LANG_AFTER_HELP = N_("The language of the output: en or es (all: both side by side, with "
                     "--json only). Else $BINATSEC_LANG, else the locale (LC_ALL, "
                     "LC_MESSAGES, LANG: es_* is Spanish), else English. Also before the "
                     "command.")
NO_PAGER_HELP = N_("Print long output directly, not through a pager (less, or $BINATSEC_PAGER "
                   "or $PAGER), as an empty BINATSEC_PAGER does. Also after the command.")
NO_PAGER_AFTER_HELP = N_("Print long output directly, not through a pager (less, or "
                         "$BINATSEC_PAGER or $PAGER), as an empty BINATSEC_PAGER does.")


def _metavar(param: Any) -> str:
    """A value's name as people read it: [a|b] for a fixed set, else N, NUMBER, PATH, TEXT;
    an argument is its own name, in capitals."""
    choices = getattr(param.type, "choices", None)
    if choices:
        return "[" + "|".join(str(getattr(c, "value", c)) for c in choices) + "]"
    if param.param_type_name == "argument":
        name = (param.name or "value").upper().replace("_", "-")
        return f"{name}..." if param.nargs != 1 else name
    type_name = str(getattr(param.type, "name", ""))
    if type_name.startswith("int"):
        return "N"
    if type_name.startswith("float"):
        return "NUMBER"
    if type_name in ("path", "directory", "file", "filename"):
        return "PATH"
    return "TEXT"


def _listing_examples(name: str) -> list[str]:
    """Examples for a section made from the registry of kinds (it has no epilog of its own)."""
    from binatsec.corpus import kinds

    kind = kinds.get(name)
    if kind is None or not kind.is_section:
        return []
    return [f"binatsec {name}", f"binatsec {name} --json",
            f"binatsec export --format csv --section {name}"]


def polish(command: Any, name: str = "") -> Any:
    """Finish a command's help (and its subcommands'): Typer cuts a long help to its first
    words in the command list, wraps epilogs into one paragraph and names values <int range>
    or <str>. Explicit short_help, epilogs and metavars are kept. Help is laid out within
    the terminal's width (cli/helpformat.py)."""
    from binatsec.cli.helpformat import HelpContext, first_paragraph, localize

    command.context_class = HelpContext
    if command.short_help is None and command.help:
        command.short_help = first_paragraph(command.help)
        command.short_help_from_help = True  # localize() makes it again from the translation
    examples = example_lines(command.epilog) or _listing_examples(name)
    if examples:
        # \b: click keeps this paragraph's lines as they are instead of rewrapping them.
        command.epilog = "\n".join(["\b", EXAMPLES, *(f"  {line}" for line in examples)])
    for param in command.params:
        if param.metavar is None and not getattr(param, "is_flag", False) \
                and not getattr(param, "count", False):
            param.metavar = _metavar(param)
    for sub_name, sub in getattr(command, "commands", {}).items():
        polish(sub, sub_name)
    localize(command)  # in the run's language; again as its help is drawn (HelpContext)
    return command


def _set_content_dir(ctx: typer.Context, value: Optional[Path]) -> None:  # noqa: UP045
    if value is not None:
        session(ctx).content_dir = value


def _set_lang(ctx: typer.Context, value: Optional[str]) -> None:  # noqa: UP045
    if value is not None:
        session(ctx).ask_language(value)


def _after_the_command(
    content_dir: Annotated[Optional[Path], typer.Option(  # noqa: UP045
        "--content-dir", file_okay=False, metavar="PATH", expose_value=False,
        callback=_set_content_dir, show_default=False,
        help=CONTENT_DIR_AFTER_HELP)] = None,
    no_pager: Annotated[bool, typer.Option(
        "--no-pager", expose_value=False, help=NO_PAGER_AFTER_HELP)] = False,
    lang: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--lang", metavar="[en|es|all]", expose_value=False, callback=_set_lang,
        is_eager=True, show_default=False,
        help=LANG_AFTER_HELP)] = None,
) -> None:
    """The run's options as a command takes them after its name (`_shared_options`)."""


@cache
def _shared_params() -> dict[str, Any]:
    """The options every command also takes after its name, by name, made by Typer."""
    made = typer.main.get_command_from_info(
        typer.models.CommandInfo(name="shared", callback=_after_the_command),
        pretty_exceptions_short=True, rich_markup_mode=None)
    return {opt: param for param in made.params for opt in param.opts}


def _shared_options(command: Any, path: tuple[str, ...]) -> Any:
    """`command` (and its subcommands) taking the run's options after its name too: every
    command that reads content takes --content-dir, and every one whose output can be
    paged --no-pager (the pager is decided from the command line, `_pages`). A value given
    after the command wins over one given before it."""
    names = {opt for param in command.params for opt in getattr(param, "opts", ())}
    wanted = ["--lang"]
    if path[0] not in DOCUMENT_COMMANDS:
        wanted.append("--content-dir")
    if path in PAGED_SUBCOMMANDS or (path[0] not in UNPAGED and len(path) == 1):
        wanted.append("--no-pager")
    shared = [_shared_params()[name] for name in wanted if name not in names]
    # Before --help, which click lists last.
    at = next((n for n, param in enumerate(command.params)
               if "--help" in getattr(param, "opts", ())), len(command.params))
    command.params[at:at] = shared
    for sub_name, sub in getattr(command, "commands", {}).items():
        _shared_options(sub, (*path, sub_name))
    return command


def _pages(ctx: Any, env: Environment) -> bool:
    """Whether this run's output is text for people that goes through the pager: only with a
    pager in a terminal (env.pager), never with --no-pager, --json or for UNPAGED commands."""
    if not env.pager or ctx.params.get("no_pager") or ctx.params.get("json_output"):
        return False
    args = [*ctx._protected_args, *ctx.args]
    words = args[:args.index("--")] if "--" in args else args
    if any(option in words for option in UNPAGED_OPTIONS):
        return False
    return not words or tuple(words[:2]) in PAGED_SUBCOMMANDS or words[0] not in UNPAGED


class BinatsecGroup(TyperGroup):
    """Typer's group, with binatsec's own error handling and exit codes around every run."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        polish(self)

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             windows_expand_args: bool = True, **extra: Any) -> Any:
        # Tests pass their own environment as `obj` (or the variables to detect it from); a
        # real run detects it from os.environ, once.
        given = extra.pop("obj", None)
        env = given if isinstance(given, Environment) else Environment.detect(
            given if isinstance(given, Mapping) else None)
        argv = sys.argv[1:] if args is None else list(args)
        words = answers.options_of(argv)
        # A real run records what it prints, to keep a read command's answer for the next
        # (binatsec/answers.py); a test's own environment keeps nothing.
        recorder = None
        if given is None:
            import os

            recorder = answers.Recorder.start(argv, os.environ, env)
            if recorder is not None:
                env = recorder.env
        # The last --lang, read before Click parses: --help is eager too, and Click handles
        # eager options in the order given, so `faq --help --lang es` would otherwise be
        # drawn before the language is known.
        run = Session(env, language=answers.last_value(words, "--lang"))

        def invoke() -> Any:
            return super(BinatsecGroup, self).main(
                args, prog_name, complete_var, standalone_mode=False,
                windows_expand_args=windows_expand_args, obj=run, **extra)

        code = errors.run(invoke, env)
        # Help is the same for the same words and terminal: an answer to keep as well.
        asks_for_help = any(word in ("--help", "-h") for word in words)
        if recorder is not None and (run.keep_answer or asks_for_help) and not run.paged:
            recorder.keep(code, run.content_dir)
        if standalone_mode:
            sys.exit(code)
        return code

    def invoke(self, ctx: Any) -> Any:
        # Typer turns Ctrl-C into a silent exit 130, mid-line after the terminal's "^C";
        # passing it on as our own exception lets errors.run end the line and say so.
        try:
            run = session(ctx)
            if _pages(ctx, run.env):
                return self._paged(ctx, run)
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise errors.Interrupted() from None

    def _paged(self, ctx: Any, run: Session) -> Any:
        """Run the command drawing into a string, then show it through the pager (or
        directly, when it fits on the screen or the run was interrupted)."""
        from binatsec.views import pager

        screen = run.env
        run.paged = True  # what a pager shows depends on the screen it finds: not kept
        run.env, captured = pager.capture(screen)
        interrupted = False
        try:
            return super().invoke(ctx)
        except (KeyboardInterrupt, errors.Interrupted):
            interrupted = True
            raise
        finally:
            run.env = screen
            pager.show(captured.getvalue(), screen, page=not interrupted)

    # Subcommands are built when asked for, not all at start-up: Typer inspects every
    # parameter of every command to build it, which was a fifth of each run's time.

    def list_commands(self, ctx: Any) -> list[str]:
        from binatsec.cli import commands

        return [*commands.names(), "quiz", *DOCUMENT_COMMANDS]

    def get_command(self, ctx: Any, name: str) -> Any:
        if name == "quiz":
            from binatsec.cli.quiz import quiz_app

            # A group of its own, without the shell completion options: those belong to
            # the top level only.
            return _shared_options(polish(typer.main.get_group(quiz_app), name), (name,))
        if name in DOCUMENT_COMMANDS:
            from binatsec.cli import docs

            info = docs.info(name)
        else:
            from binatsec.cli import commands

            info = commands.info(name)
        if info is None:
            return None
        return _shared_options(polish(typer.main.get_command_from_info(
            info, pretty_exceptions_short=app.pretty_exceptions_short,
            rich_markup_mode=app.rich_markup_mode), name), (name,))

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in self.list_commands(ctx):
            close = queries.suggest(name, self.list_commands(ctx), limit=1)
            hint = _("; did you mean '{name}'?").format(name=close[0]) if close else ""
            raise errors.UnknownCommand(_("no such command '{name}'").format(name=name) + hint)
        return super().resolve_command(ctx, args)


app = typer.Typer(
    name="binatsec",
    cls=BinatsecGroup,
    rich_markup_mode=None,
    add_completion=True,
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"binatsec {__version__}\n")
        raise typer.Exit()


@app.callback(invoke_without_command=True, epilog="""Examples:
    binatsec
    binatsec faq merida
    binatsec search fentanyl --json""")
def main(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", "-V", callback=_version, is_eager=True,
                           help="Print the version and exit.")
    ] = False,
    content_dir: Annotated[
        Optional[Path],  # noqa: UP045 - Typer reads this annotation at run time
        typer.Option("--content-dir", envvar=CONTENT_DIR_ENV, file_okay=False, metavar="PATH",
                     help=CONTENT_DIR_HELP, show_envvar=True),
    ] = None,
    json_output: JsonOption = False,
    no_pager: Annotated[bool, typer.Option(
        "--no-pager", help=NO_PAGER_HELP)] = False,
    lang: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--lang", metavar="[en|es|all]", expose_value=False, callback=_set_lang,
        is_eager=True, show_default=False,
        help=LANG_HELP)] = None,
) -> None:
    """An offline reference on US–Mexico security cooperation: FAQ, myths, timeline, figures,
    and more, from one source article.

    Run without a command for an overview of what is inside, and add --help to any command
    for its options and examples. Long output goes through a pager in a terminal.
    """
    run = session(ctx)
    run.content_dir, run.json = content_dir, json_output
    if ctx.invoked_subcommand is None:
        respond(ctx, results.Overview(run.corpus(), run.language))
