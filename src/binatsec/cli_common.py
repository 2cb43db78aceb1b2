"""What every Typer command module shares: global options, content loading, JSON, errors.

Both `cli` (the read commands) and `cli_quiz` build on these, so a command behaves the same
wherever it is defined.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, NamedTuple, NoReturn

import typer

from binatsec.exits import ContentProblem
from binatsec.loader import ContentError, ContentSource
from binatsec.model import Corpus
from binatsec.output import write_json
from binatsec.resources import bundled_content


class Options(NamedTuple):
    """The options given before the command: `binatsec --content-dir X --json faq`."""

    content_dir: Path | None = None
    json: bool = False


JsonOption = Annotated[
    bool, typer.Option("--json", help="Print one JSON document instead of text (see schemas/).")
]


def run_options(ctx: typer.Context) -> Options:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Options) else Options()


def load_content(ctx: typer.Context, files: Sequence[str] | None) -> Corpus:
    """The named content files (all when None), with the user's folder layered over them."""
    try:
        return ContentSource(bundled_content(), run_options(ctx).content_dir).load(files)
    except ContentError as error:
        raise ContentProblem(error) from None


def wants_json(ctx: typer.Context, flag: bool) -> bool:
    """The command's own --json, or the global one."""
    return flag or run_options(ctx).json


def emit_json(document: dict[str, Any]) -> None:
    write_json(document)


def usage_error(message: str, param: str | None = None) -> NoReturn:
    raise typer.BadParameter(message, param_hint=param)
