"""What every command shares: the run's session (its terminal environment, the global options
and the corpus, loaded once), the options many commands take, and `respond()`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from binatsec import formats, results
from binatsec.corpus import resources
from binatsec.corpus.loader import ContentSource
from binatsec.corpus.records import LANGUAGES, Corpus, Text
from binatsec.environment import CacheDirError, DataDirError, Environment
from binatsec.errors import ContentProblem, NothingFound
from binatsec.i18n import N_, _, ngettext
from binatsec.streams import ReaderGone

if TYPE_CHECKING:
    from collections.abc import Iterator

    from binatsec.document import Document

# Every text field in each language, side by side: only in JSON (`--lang all --json`).
ALL_LANGUAGES = "all"
# Commands whose output is worded in one language as it is made (questions, search hits);
# `quiz history` is not one of them.
ONE_LANGUAGE_COMMANDS = (("search",), ("quiz",))
_LANGUAGE_NAMES = {"en": N_("English"), "es": N_("Spanish")}


class Session:
    """One run: its environment (terminal facts, folders), the options given before the
    command, the corpus, and the language (--lang, else $BINATSEC_LANG, else the locale,
    else English), decided once, when first asked for."""

    def __init__(self, env: Environment, content_dir: Path | None = None, json: bool = False,
                 language: str | None = None) -> None:
        self.env = env
        self.content_dir = content_dir
        self.json = json
        self._corpus: Corpus | None = None
        self._language: str | None = None
        self._noticed = False
        # --lang was on the command line: a bilingual export writes that language alone.
        self.language_given = False
        # Whether this run's output may be kept and served again (binatsec/answers.py): set
        # by `respond` for a read command's answer; `paged` when it went through a pager.
        self.keep_answer = False
        self.paged = False
        # The environment's language first: an unknown --lang is then said in it.
        self._asked, self._asked_from = env.language, env.language_from or "--lang"
        _speak(env.language if env.language in LANGUAGES else "en")
        if language is not None:
            self.ask_language(language)

    def ask_language(self, value: str, given_as: str = "--lang") -> None:
        """The language the command line asks for; a later --lang (after the command) wins."""
        self._asked, self._asked_from, self._language = value.strip(), given_as, None
        self.language_given = True
        if self._asked.lower() in LANGUAGES:
            _speak(self._asked.lower())

    @property
    def language(self) -> str:
        """The run's language: "en", "es", or "all" (JSON only). A usage error (exit 2) for a
        language binatsec does not know, naming those it does."""
        if self._language is None:
            self._language = self._checked_language()
            self._notice_fallback()
        return self._language

    def _checked_language(self) -> str:
        asked, given_as = self._asked.lower(), self._asked_from
        if asked in LANGUAGES:
            return asked
        if asked != ALL_LANGUAGES:
            from binatsec.queries import suggest

            close = suggest(asked, (*LANGUAGES, ALL_LANGUAGES), limit=1)
            hint = _("; did you mean '{name}'?").format(name=close[0]) if close else ""
            usage_error(_("unknown language '{language}' (choose from {choices}; {all} with "
                          "--json){hint}").format(language=self._asked,
                                                  choices=", ".join(LANGUAGES),
                                                  all=ALL_LANGUAGES, hint=hint), given_as)
        from typer._click.globals import get_current_context  # Typer's own click

        ctx = get_current_context(silent=True)
        params = ctx.params if ctx is not None else {}
        words = ctx.command_path.split()[1:] if ctx is not None else []
        # Outside any f-string: Python 3.12's tokenizer sees calls inside one, 3.11's does
        # not, and the catalog must be the same whichever Python extracts it.
        either = (" " + _("or") + " ").join(LANGUAGES)
        if tuple(words) in ONE_LANGUAGE_COMMANDS or params.get("quiz"):
            usage_error(_("{all} is for records in JSON; questions and search hits are worded "
                          "in one language: give {choices}").format(
                              all=ALL_LANGUAGES, choices=either), given_as)
        fmt = formats.get(str(params.get("format_") or ""))
        if not (self.json or params.get("json_output")
                or (fmt is not None and (fmt.name == "json" or fmt.bilingual))):
            both = ", ".join(f.name for f in formats.all_formats() if f.bilingual)
            usage_error(_("{all} gives both languages side by side in JSON, or in an export "
                          "as {formats}; add --json, or give {choices}").format(
                              all=ALL_LANGUAGES, formats=both, choices=either), given_as)
        return ALL_LANGUAGES

    def corpus(self) -> Corpus:
        """The whole corpus: bundled content with the user's folder layered over it."""
        if self._corpus is None:
            from binatsec.corpus.problems import ContentError

            try:
                self._corpus = ContentSource(resources.bundled_content(), self.content_dir,
                                             self.cache_folder()).load()
            except ContentError as error:
                raise ContentProblem(error) from None
            self._notice_fallback()
        return self._corpus

    def _notice_fallback(self) -> None:
        """Once a run, when both the corpus and the language are known: one line on stderr
        if records have no text in the language asked for (a folder of English-only
        content), which are shown in the other."""
        # English is required of every record (BC011): only another language can be missing.
        if self._noticed or self._corpus is None or self._language not in LANGUAGES[1:]:
            return
        self._noticed = True
        wanted = self._language
        untranslated = fallbacks(self._corpus, wanted)
        if not untranslated:
            return
        from binatsec.streams import say

        other = next(code for code in LANGUAGES if code != wanted)
        yours = sum(self._corpus.origin(record_id) is not None for record_id in untranslated)
        count = yours or len(untranslated)
        if yours:
            notice = ngettext("{count} record in your folder has no {language} text; showing "
                              "its {other}",
                              "{count} records in your folder have no {language} text; "
                              "showing their {other}", count)
        else:
            notice = ngettext("{count} record has no {language} text; showing its {other}",
                              "{count} records have no {language} text; showing their {other}",
                              count)
        say(notice.format(count=count, language=_(_LANGUAGE_NAMES[wanted]),
                          other=_(_LANGUAGE_NAMES[other])), self.env.stderr)


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


def _speak(language: str) -> None:
    """Say the tool's own words in `language` from now on (the gettext catalogs)."""
    try:
        from binatsec import i18n
    except ImportError:  # pragma: no cover - the catalogs are not there yet
        return
    i18n.set_language(language)


def fallbacks(corpus: Corpus, language: str) -> list[str]:
    """The ids of the records with a text field that has no `language` (shown in the other)."""
    from binatsec.corpus import kinds

    return [record.id for kind in kinds.all_kinds() for record in corpus.of(kind.name)
            if any(isinstance(value, Text) and not value.has(language)
                   for value in record._asdict().values())]


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
    run.keep_answer = _answer_kept(ctx, result)
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


# What a read command answers, the same for the same arguments, content and terminal. Not:
# a played quiz or the history (stdin, the data folder, the clock), lint (any folder).
_READ_RESULTS = (results.Overview, results.Listing, results.Figures, results.Found,
                 results.Export, results.QuizSheet)


def _seed_given(ctx: typer.Context) -> bool:
    """Whether --seed was on the command line: without it, a quiz draws other questions."""
    seed = ctx.get_parameter_source("seed")  # Click's ParameterSource (Typer vendors it)
    return seed is not None and seed.name == "COMMANDLINE"


def scripted_quiz(ctx: typer.Context) -> bool:
    """Whether this quiz asks and grades the same each time it is run: played from
    --answers with a --seed given and --no-save, reading neither stdin nor the history and
    saving nothing; so its output is an answer to keep (binatsec/answers.py)."""
    return (ctx.params.get("answers") is not None and bool(ctx.params.get("no_save"))
            and not ctx.params.get("review") and _seed_given(ctx))


def _answer_kept(ctx: typer.Context, result: results.Result) -> bool:
    """Whether `result`, as it is about to be shown, may be kept and served again: a read
    command's answer on stdout, text, and (a quiz sheet) drawn from a seed given."""
    if isinstance(result, results.QuizOutcome):
        return scripted_quiz(ctx)
    if not isinstance(result, _READ_RESULTS):
        return False
    if isinstance(result, results.Export):
        return result.output is None and not result.format.binary
    if isinstance(result, results.QuizSheet):
        return (result.output is None and result.format != "pdf" and not result.review
                and _seed_given(ctx))
    return True


def _sheet(result: results.QuizSheet, run: Session) -> None:
    """`quiz --print` for people: the worksheet (a document, built once whatever the format,
    so a seed asks the same questions in each) as plain text at the width of the terminal (or
    of COLUMNS, up to a readable measure), Markdown, a web page or a PDF on `result.paper`."""
    from binatsec.document import worksheet
    from binatsec.quiz import ALL, topics

    count = len(result.questions)
    about = [ngettext("{count} question, seed {seed}.", "{count} questions, seed {seed}.",
                      count).format(count=count, seed=result.seed)
             + (f" {result.scope}" if result.scope else "")
             + (" " + _("Those due on your review schedule come first.") if result.review
                else "")]
    name = _("all topics") if result.topic == ALL else topics.label(result.topic)
    sheet = worksheet(result.questions, _("Quiz: {topic}").format(topic=name), about,
                      result.play, result.language)
    data = _sheet_in(sheet, result.format, result.paper, run.env.width)
    if result.output is None:
        _to_stdout(data, run.env)
        return
    _write_file(data if isinstance(data, bytes) else data.encode("utf-8"), result.output,
                result.format, run)


def _sheet_in(sheet: Document, form: str, paper: str, width: int) -> str | bytes:
    """The worksheet in one of quiz --print's formats (cli/quiz_options.SHEET_FORMATS)."""
    if form == "markdown":
        from binatsec.views.documents import markdown

        return markdown(sheet)
    if form == "html":
        from binatsec.views.html import edition

        return edition([sheet], paper=paper)
    if form == "pdf":
        from binatsec.views.pdf import printable

        return printable(sheet, paper)
    from binatsec.views.plaintext import text

    return text(sheet, width)


def _write_file(data: bytes, path: Path, name: str, run: Session) -> None:
    """`data` written whole to `path` (--output), then a line on stderr saying so; exit 1,
    with the reason, when it can't be written."""
    from binatsec.fileio import write_output
    from binatsec.streams import say

    try:
        write_output(path, data)
    except OSError as error:
        say(_("error: cannot write {path}: {reason}").format(
            path=path, reason=error.strerror or error), run.env.stderr)
        raise typer.Exit(1) from None
    say(_("wrote {format} to {path} ({size} bytes)").format(
        format=name, path=path, size=f"{len(data):,}"), run.env.stderr)


def _export(result: results.Export, run: Session) -> None:
    """The export in its format (formats.py), on stdout or to --output (in one step, to a
    file), a piece at a time as it is made, so an export of 70,000 records is never held
    whole; a format whose writer makes its file itself (SQLite) makes it where it stays."""
    if result.output is None:
        pieces = result.format.pieces(result)
        try:
            for piece in pieces:
                _to_stdout(piece, run.env)
        except BrokenPipeError:
            # The reader went away mid-export (| head): quietly, exit 0, as every output.
            raise ReaderGone() from None
        finally:
            pieces.close()  # now: a forked writer of the second half is stopped (forked.py)
        return
    from binatsec.fileio import write_output
    from binatsec.streams import say

    written = 0

    make = result.format.file_maker(result)

    def built(path: Path) -> None:
        nonlocal written
        assert make is not None
        make(path)
        written = path.stat().st_size

    def encoded() -> Iterator[bytes]:
        nonlocal written
        for piece in result.format.pieces(result):
            data = piece if isinstance(piece, bytes) else piece.encode("utf-8")
            written += len(data)
            yield data

    try:
        write_output(result.output, encoded(), build=built if make else None)
    except OSError as error:
        say(_("error: cannot write {path}: {reason}").format(
            path=result.output, reason=error.strerror or error), run.env.stderr)
        raise typer.Exit(1) from None
    say(_("wrote {format} to {path} ({size} bytes)").format(
                     format=result.format.name, path=result.output, size=f"{written:,}"),
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
        usage_error(_("this stdout takes text only; give --output FILE for a binary format"),
                    "--output")
    out.flush()  # what was written as text goes first
    binary.write(data)
    binary.flush()
