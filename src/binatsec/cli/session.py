"""What every command shares: the run's session (its terminal environment, the global options
and the corpus, loaded once), the options many commands take, and `respond()`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer

from binatsec import results
from binatsec.corpus import resources
from binatsec.corpus.loader import ContentSource
from binatsec.corpus.records import DEFAULT_LANGUAGE, Corpus
from binatsec.environment import CacheDirError, DataDirError, Environment
from binatsec.errors import ContentProblem, NothingFound


class Session:
    """One run: its environment (terminal facts, folders), the options given before the
    command, the corpus."""

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
                self._corpus = ContentSource(resources.bundled_content(), self.content_dir,
                                             self.cache_folder()).load()
            except ContentError as error:
                raise ContentProblem(error) from None
        return self._corpus

    def cache_folder(self) -> Path | None:
        """Where validated corpora are kept; a usage error (exit 2) naming the variable if
        $BINATSEC_CACHE_DIR cannot be used."""
        try:
            return self.env.folders.cache()
        except CacheDirError as error:
            usage_error(str(error))

    def data_folder(self) -> Path:
        """Where the quiz history is kept; a usage error (exit 2) naming the variable if
        $BINATSEC_DATA_DIR cannot be used, or if there is no folder at all."""
        try:
            return self.env.folders.data()
        except DataDirError as error:
            usage_error(str(error))


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
    elif isinstance(result, results.QuizSheet):
        _sheet(result, run)
    else:
        # Rich is imported here, on the human path only, so --json never pays for it.
        from binatsec.views.terminal import render

        render(result, run.env)
    if result.missing:
        raise NothingFound(result.missing)


def _sheet(result: results.QuizSheet, run: Session) -> None:
    """`quiz --print` for people: the worksheet (a document) as plain text, at the width of
    the terminal (or of COLUMNS), up to a readable measure."""
    from binatsec.document import worksheet
    from binatsec.quiz import ALL, topics
    from binatsec.views.plaintext import text

    count = len(result.questions)
    about = [f"{count} question{'s' if count != 1 else ''}, seed {result.seed}."
             + (f" {result.scope}" if result.scope else "")
             + (" Those due on your review schedule come first." if result.review else "")]
    name = "all topics" if result.topic == ALL else topics.label(result.topic)
    sheet = worksheet(result.questions, f"Quiz: {name}", about, result.play, result.language)
    _to_stdout(text(sheet, run.env.width), run.env)


def _export(result: results.Export, run: Session) -> None:
    """The export in its format (formats.py), on stdout or written whole to --output."""
    data = result.format.write(result)
    encoded = data if isinstance(data, bytes) else data.encode("utf-8")
    if result.output is None:
        _to_stdout(data, run.env)
        return
    from binatsec.fileio import write_output
    from binatsec.streams import say

    try:
        write_output(result.output, encoded)
    except OSError as error:
        say(f"error: cannot write {result.output}: {error.strerror or error}", run.env.stderr)
        raise typer.Exit(1) from None
    say(f"wrote {result.format.name} to {result.output} ({len(encoded):,} bytes)",
        run.env.stderr)


def _to_stdout(data: str | bytes, env: Environment) -> None:
    """Text as it is; bytes (a binary format) to the stream under stdout, which the export
    command keeps from being a terminal."""
    out = env.stdout
    assert out is not None
    if isinstance(data, str):
        out.write(data)
        return
    binary = getattr(out, "buffer", None)
    if binary is None:
        usage_error("this stdout takes text only; give --output FILE for a binary format",
                    "--output")
    out.flush()  # what was written as text goes first
    binary.write(data)
    binary.flush()
