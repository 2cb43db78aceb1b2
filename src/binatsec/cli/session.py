"""What every command shares: the run's session (its terminal environment, the global options
and the corpus, loaded once), the options many commands take, and `respond()`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer

from binatsec import results
from binatsec.corpus import resources
from binatsec.corpus.bundle import CacheDirError
from binatsec.corpus.loader import ContentSource
from binatsec.corpus.records import DEFAULT_LANGUAGE, Corpus
from binatsec.environment import Environment
from binatsec.errors import ContentProblem, NothingFound


class Session:
    """One run: the terminal facts, the options given before the command, the corpus."""

    def __init__(self, env: Environment, content_dir: Path | None = None, json: bool = False,
                 language: str = DEFAULT_LANGUAGE) -> None:
        self.env = env
        self.content_dir = content_dir
        self.json = json
        self.language = language
        self._corpus: Corpus | None = None

    def corpus(self) -> Corpus:
        """The whole corpus: bundled content with the user's folder layered over it."""
        if self._corpus is None:
            from binatsec.corpus.problems import ContentError

            try:
                self._corpus = ContentSource(resources.bundled_content(), self.content_dir).load()
            except ContentError as error:
                raise ContentProblem(error) from None
            except CacheDirError as error:
                usage_error(str(error))
        return self._corpus


def session(ctx: typer.Context) -> Session:
    obj = ctx.find_root().obj
    if not isinstance(obj, Session):  # pragma: no cover - the group always sets one
        obj = ctx.find_root().obj = Session(Environment.detect())
    return obj


JsonOption = Annotated[
    bool, typer.Option("--json", help="Print one JSON document instead of text (its JSON "
                       "Schema: see 'binatsec schema').")
]


def usage_error(message: str, param: str | None = None) -> NoReturn:
    raise typer.BadParameter(message, param_hint=param)


def respond(ctx: typer.Context, result: results.Result, json_flag: bool = False) -> None:
    """Show `result` as JSON (the command's --json, or the global one) or for people, then
    fail with "nothing found" (exit 1) when the result says nothing was."""
    run = session(ctx)
    out = run.env.stdout
    assert out is not None  # errors.run ends a run with stdout closed before any command
    if isinstance(result, results.Export):
        _export(result, run)
    elif json_flag or run.json:
        from binatsec.views.json import document, dumps

        out.write(dumps(document(result), ascii_only=not run.env.unicode))
    else:
        # Rich is imported here, on the human path only, so --json never pays for it.
        from binatsec.views.terminal import render

        render(result, run.env)
    if result.missing:
        raise NothingFound(result.missing)


def _export(result: results.Export, run: Session) -> None:
    """The corpus as one document, on stdout or written whole to --output."""
    if result.format == "json":
        from binatsec.views.json import document, dumps

        text = dumps(document(result), ascii_only=result.output is None and not run.env.unicode)
    else:
        from binatsec.views import documents  # csv and the Markdown writer: export only

        text = (documents.csv_table(result.corpus, result.kind, result.language)
                if result.format == "csv" and result.kind is not None
                else documents.markdown(result.corpus, result.language))
    if result.output is None:
        assert run.env.stdout is not None
        run.env.stdout.write(text)
        return
    from binatsec.fileio import write_output
    from binatsec.streams import say

    try:
        write_output(result.output, text.encode("utf-8"))
    except OSError as error:
        say(f"error: cannot write {result.output}: {error.strerror or error}", run.env.stderr)
        raise typer.Exit(1) from None
    say(f"wrote {result.format} to {result.output} ({len(text.encode('utf-8')):,} bytes)",
        run.env.stderr)
