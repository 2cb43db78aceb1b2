"""`binatsec quiz` and `binatsec quiz history`: the Typer layer over the quiz engine.

Answers come from a person at a terminal, from stdin one per line, or from --answers. The
history file is written once, at the end, so Ctrl-C or a crash mid-quiz leaves it untouched.
This module must not import Rich: views.quiz_terminal is imported only on the human path.
Building the command imports the registry of topics (for its help), not the engine: the
engine, the history and `random` are imported only when a quiz is played.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup, TyperOption

from binatsec import queries, results
from binatsec.cli.quiz_options import (
    BINARY_SHEETS,
    PAPERS,
    SHEET_FORMATS,
    SHEET_SUFFIXES,
    AnswersOption,
    CountOption,
    NoInputOption,
    NoSaveOption,
    PaperOption,
    PrintOption,
    ReviewOption,
    SeedOption,
    SheetFormatOption,
    SheetOutputOption,
    TopicOption,
    topics,
)
from binatsec.cli.session import (
    JsonOption,
    Session,
    respond,
    scripted_quiz,
    session,
    usage_error,
)
from binatsec.environment import Environment
from binatsec.errors import INTERRUPTED, NOT_FOUND, NOT_SAVED, NothingFound
from binatsec.frozen import Frozen
from binatsec.i18n import _ as tr
from binatsec.i18n import ngettext
from binatsec.quiz import ALL, DEFAULT_COUNT, SEED_LIMIT
from binatsec.streams import say

if TYPE_CHECKING:
    from binatsec.corpus.records import Corpus
    from binatsec.quiz.engine import QuizResult
    from binatsec.quiz.history import HistoryStore, QuizRecord
    from binatsec.quiz.questions import Question
    from binatsec.views.quiz_terminal import QuizScreen

# A quiz that ends before its last question (q, or the end of input) exits with this, after
# its score: a script can tell it from a finished quiz (0) and from a usage error (2).
UNFINISHED = NOT_FOUND


class QuizGroup(TyperGroup):
    """The `quiz` command group. Its help names the topics there are: `{topics}` in its
    docstring and in --topic's help, and --topic's [a|b|all], are written from the registry
    of topics (quiz/topics.py) each time the command is built."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        from binatsec.quiz import topics  # the makers: only the quiz command needs them

        every = topics.all_topics()
        # The help in the run's language (binatsec.i18n), then the topics written in.
        template = tr(self.help) if self.help else ""
        self.help = template.format(topics=_in_words([tr(t.about) for t in every], tr("and")))
        choices = [*topics.names(), ALL]
        for param in self.params:
            if isinstance(param, TyperOption) and param.name == "topic":
                template = tr(param.help) if param.help else ""
                param.help = template.format(topics=_in_words(choices, tr("or")))
                param.metavar = "[" + "|".join(choices) + "]"


def _in_words(items: Sequence[str], last_joint: str) -> str:
    """ "a, b and c" (or "a, b or c")."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last_joint} {items[-1]}"


quiz_app = typer.Typer(
    name="quiz",
    cls=QuizGroup,
    rich_markup_mode=None,
    no_args_is_help=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

@quiz_app.callback(invoke_without_command=True, epilog="""Examples:
    binatsec quiz --topic myths --count 5
    binatsec quiz --topic myths --count 3 --answers m,f,m --no-save
    binatsec quiz --print --seed 7 --format pdf --output quiz.pdf""")
def quiz_command(
    ctx: typer.Context,
    topic: TopicOption = ALL,
    count: CountOption = DEFAULT_COUNT,
    seed: SeedOption = None,
    answers: AnswersOption = None,
    no_save: NoSaveOption = False,
    review: ReviewOption = False,
    no_input: NoInputOption = False,
    print_sheet: PrintOption = False,
    sheet_format: SheetFormatOption = None,
    output: SheetOutputOption = None,
    paper: PaperOption = None,
    json_output: JsonOption = False,
) -> None:
    """Play a quiz on {topics}.

    In a terminal it asks one question at a time; type q to stop. Otherwise it reads one
    answer per line from stdin (a line 'q' stops), or takes --answers. Each quiz with an
    answer is saved to your history ($BINATSEC_DATA_DIR moves it); see 'binatsec quiz
    history'. With --print it only writes the questions and their answer key, as text,
    Markdown, a web page or a PDF to print (--format). Exit status: 0 when every question was
    answered (or printed); 1 when the quiz ended unfinished (q, the end of input, or input
    that holds no answers), after showing the score so far, which is saved marked unfinished;
    2 for a usage error; 69 when a PDF is asked for and WeasyPrint is not installed; 73 when
    the result, still shown, could not be saved to the history.
    """
    if ctx.invoked_subcommand is not None:
        return
    if topic not in topics():
        usage_error(str(queries.NotFound("topic", topic, topics())), "--topic")
    play_quiz(ctx, topic, count=count, seed=seed, answers=answers, save=not no_save,
              review=review, json_output=json_output, no_input=no_input,
              print_sheet=print_sheet, sheet_format=sheet_format, output=output, paper=paper,
              replay=f"binatsec quiz --topic {topic}")


@quiz_app.command(name="history", epilog="""Examples:
    binatsec quiz history
    binatsec quiz history --json""")
def history_command(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """Past quiz scores, oldest first, and the review schedule: how many questions are due
    now, and when the next ones are."""
    store = _store(session(ctx))
    now = store.clock()
    saved = store.load()  # only reads: a bad file is reported, not moved
    respond(ctx, results.QuizHistory(saved, str(store.path), saved.due(now),
                                     upcoming=saved.upcoming(now),
                                     language=session(ctx).language), json_output)


# --- playing --------------------------------------------------------------------------------


def play_quiz(ctx: typer.Context, topic: str, *, count: int = DEFAULT_COUNT,
              seed: int | None = None, answers: str | None = None, save: bool = True,
              review: bool = False, json_output: bool = False, no_input: bool = False,
              print_sheet: bool = False, sheet_format: str | None = None,
              output: Path | None = None, paper: str | None = None, replay: str = "",
              within: Sequence[str] | None = None, query: str | None = None,
              scope: str = "") -> None:
    """Build the questions, ask them, show or print the result, and record it; or, with
    `print_sheet`, write them as a worksheet (in `sheet_format`, on `paper`, to `output`
    or stdout) and stop.

    `replay` is the command (with the options that chose the topic) that the replay hint
    starts with; the count, seed and --review follow it. `within` keeps the quiz to those
    records (the ones `query` found; `scope` says so in words). An unfinished quiz exits 1,
    and one whose result could not be saved exits 73 (NOT_SAVED), after showing it either
    way."""
    run = session(ctx)
    json_output = json_output or run.json
    layout = _Layout.of(run, print_sheet=print_sheet, json_output=json_output,
                        sheet_format=sheet_format, output=output, paper=paper)
    if print_sheet:
        if answers is not None:
            usage_error(tr("--print writes the questions without playing them; give "
                           "--answers to play them instead"), "--answers")
        _print_sheet(ctx, topic, count=count, seed=seed, review=review, replay=replay,
                     within=within, query=query, scope=scope, json_output=json_output,
                     layout=layout)
        return
    listed = _listed_answers(run.env, answers, json_output=json_output, no_input=no_input)
    corpus = run.corpus()
    seed = _drawn_seed() if seed is None else seed
    store = _store(run) if save or review else None
    quiz = _prepare(corpus, topic, count, seed, review=review, store=store, listed=listed,
                    replay=replay, within=within, scope=scope, query=query,
                    language=run.language)
    lines: Iterable[str] | None = listed
    reader = None
    if listed is None:
        reader = _StdinLines(run.env, len(quiz.questions) * MAX_TRIES)
        lines = None if run.env.stdin_is_terminal else reader  # None: typed at the prompt
    result = _play(run.env, quiz, lines, json_output=json_output)
    record = _record(quiz, result, store) if save and store is not None and result.total else None
    saved = _save_and_respond(ctx, quiz, result, record, store, corpus, json_output=json_output)
    if not result.complete:
        say(_unfinished(result, saved=saved, save=save, why=reader.stopped if reader else ""))
    if record is not None and not saved:
        # The store has said why; the result was shown all the same. This outranks
        # "unfinished": a script must learn that its history is not growing.
        raise typer.Exit(NOT_SAVED)
    if not result.complete:
        raise typer.Exit(UNFINISHED)


class _Quiz(Frozen):
    """A quiz ready to play: its questions, and what replays them."""

    topic: str
    seed: int
    review: bool
    questions: tuple[Question, ...]
    due: tuple[str, ...] | None  # with --review: the questions due on the schedule
    replay: str  # the command that asks these questions again
    query: str | None = None  # the look-up that chose the records asked (myths WORDS --quiz)
    scope: str = ""  # what it chose, in words
    language: str = "en"  # the language it is asked in


class _Layout(Frozen):
    """How --print writes the sheet for people: its format, paper and file (None: stdout)."""

    form: str = SHEET_FORMATS[0]
    paper: str = PAPERS[0]
    output: Path | None = None

    @classmethod
    def of(cls, run: Session, *, print_sheet: bool, json_output: bool, sheet_format: str | None,
           output: Path | None, paper: str | None) -> _Layout:
        """The layout the options ask for; a usage error (exit 2) for one given without
        --print or beside --json, an unknown format or paper, or a PDF bound for a terminal."""
        given = [option for option, value in (("--format", sheet_format), ("--output", output),
                                              ("--paper", paper)) if value is not None]
        if given and not print_sheet:
            usage_error(tr("only --print takes it: add --print, or leave out {option}")
                        .format(option=given[0]), given[0])
        if given and json_output:
            usage_error(tr("not with --json, which writes the sheet as data on stdout: "
                           "leave out {option} or --json").format(option=given[0]), given[0])
        form = _chosen(sheet_format, SHEET_FORMATS, queries.NotFound("format", sheet_format or "",
                                                                    ()).args[0], "--format")
        size = _chosen(paper, PAPERS, tr("unknown paper size '{value}'").format(value=paper),
                       "--paper")
        if output == Path("-"):  # stdout, as export takes it
            output = None
        if form in BINARY_SHEETS and output is None and run.env.stdout_is_terminal:
            usage_error(tr("{format} is binary, not for a terminal: give --output "
                           "FILE{suffix}, or redirect stdout").format(
                               format=form, suffix=SHEET_SUFFIXES[form]), "--output")
        return cls(form, size, output)


def _chosen(value: str | None, choices: Sequence[str], unknown: str, option: str) -> str:
    """`value` as one of `choices` (any case; the first when not given), else a usage error
    that names every choice."""
    if value is None:
        return choices[0]
    wanted = value.strip().casefold()
    if wanted not in choices:
        usage_error(unknown + tr("; choose from: {choices}").format(choices=", ".join(choices)),
                    option)
    return wanted


def _print_sheet(ctx: typer.Context, topic: str, *, count: int, seed: int | None,
                 review: bool, replay: str, within: Sequence[str] | None, query: str | None,
                 scope: str, json_output: bool, layout: _Layout) -> None:
    """`--print`: the questions and their answer key, never played, prompted or saved (with
    --review, the schedule is read to put the questions due first, and left as it is)."""
    run = session(ctx)
    corpus = run.corpus()
    seed = _drawn_seed() if seed is None else seed
    store = _store(run) if review else None
    quiz = _prepare(corpus, topic, count, seed, review=review, store=store, listed=None,
                    replay=replay, within=within, scope=scope, query=query,
                    language=run.language)
    respond(ctx, results.QuizSheet(quiz.questions, quiz.topic, quiz.seed, quiz.review,
                                   play=quiz.replay, query=query, scope=scope,
                                   language=run.language, format=layout.form,
                                   paper=layout.paper, output=layout.output), json_output)


def _listed_answers(env: Environment, answers: str | None, *, json_output: bool,
                    no_input: bool) -> list[str] | None:
    """The answers given with --answers, or None to read them from stdin; a usage error when
    there is no stdin, or when it is a terminal that --json or --no-input may not prompt."""
    listed = _split(answers) if answers is not None else None
    if listed is None and env.stdin is None:
        usage_error(tr("standard input is closed, so there are no answers to read; give "
                       "--answers a,m,2,... or pipe one answer per line"), "--answers")
    if listed is None and env.stdin_is_terminal and (json_output or no_input):
        why = "--json" if json_output else "--no-input"
        usage_error(tr("{option} reads answers from --answers or stdin, and stdin is a "
                       "terminal; give --answers a,m,2,... or pipe one answer per "
                       "line").format(option=why), "--answers")
    return listed


def _drawn_seed() -> int:
    import random

    return random.SystemRandom().randrange(SEED_LIMIT)


def _prepare(corpus: Corpus, topic: str, count: int, seed: int, *, review: bool,
             store: HistoryStore | None, listed: list[str] | None, replay: str,
             within: Sequence[str] | None = None, scope: str = "",
             query: str | None = None, language: str = "en") -> _Quiz:
    """The questions (those due first, with --review; only on the records `within` names,
    when given), checked against the answers given up front; "nothing found" when the
    content gives none."""
    from binatsec.quiz import engine

    due = store.load().due(store.clock()) if review and store is not None else []
    questions = engine.build(corpus, topic, count, seed, first=due, within=within,
                             language=language)
    if not questions:
        raise NothingFound(tr("no questions can be made on {topic} from this "
                              "content").format(topic=topic))
    if listed is not None:
        problem = engine.check_answers(questions, listed)
        if problem:
            usage_error(problem, "--answers")
    # Replayed in the language asked now: a Spanish sheet's grading command grades in Spanish.
    spoken = f" --lang {language}" if language != "en" else ""
    again = (f"{replay or f'binatsec quiz --topic {topic}'} --count {len(questions)} "
             f"--seed {seed}{' --review' if review else ''}{spoken}")
    return _Quiz(topic, seed, review, tuple(questions), tuple(due) if review else None, again,
                 query, scope, language)


def _play(env: Environment, quiz: _Quiz, lines: Iterable[str] | None, *,
          json_output: bool) -> QuizResult:
    """Ask every question: quietly for --json, else on the screen (at the prompt when `lines`
    is None). Ctrl-C ends the run here, before anything is saved."""
    from binatsec.quiz import engine

    try:
        if json_output:
            return engine.play(quiz.questions, _QuietAnswers(lines or ()))
        return _play_for_people(env, quiz, lines)
    except KeyboardInterrupt:
        # Typer turns Ctrl-C into a silent exit 130; say what became of the quiz.
        say("interrupted; this quiz was not saved")
        raise typer.Exit(INTERRUPTED) from None


def _record(quiz: _Quiz, result: QuizResult, store: HistoryStore) -> QuizRecord:
    from binatsec.quiz.history import QuizRecord, timestamp

    return QuizRecord(finished_at=timestamp(store.clock()), topic=quiz.topic, seed=quiz.seed,
                      score=result.score, total=result.total, planned=result.planned,
                      complete=result.complete, review=quiz.review,
                      missed=tuple(a.question.id for a in result.missed), lang=quiz.language)


def _save_and_respond(ctx: typer.Context, quiz: _Quiz, result: QuizResult,
                      record: QuizRecord | None, store: HistoryStore | None, corpus: Corpus, *,
                      json_output: bool) -> bool:
    """Save the record (if any), then print the JSON document (with --json); whether the
    record was saved. Ctrl-C ends the run here, saying whether the record was kept."""
    saved = False
    try:
        if record is not None and store is not None:
            saved = _save(store, record, result, corpus)
        if json_output:
            respond(ctx, results.QuizOutcome(result, quiz.topic, quiz.seed, quiz.review, saved,
                                             quiz.query, session(ctx).language), True)
        elif record is None:
            session(ctx).keep_answer = scripted_quiz(ctx)  # shown as it was played
    except KeyboardInterrupt:
        # Ctrl-C may land before the new file replaced the old or after: the file says which.
        if record is not None and store is not None and not saved:
            saved = store.holds(record)
        say(tr("interrupted; this quiz was saved") if saved
            else tr("interrupted; this quiz was not saved"))
        raise typer.Exit(INTERRUPTED) from None
    return saved


def _save(store: HistoryStore, record: QuizRecord, result: QuizResult, corpus: Corpus) -> bool:
    """Add the quiz to the history, and each answer to the review schedule."""
    from binatsec.quiz.history import Outcome, moment_of

    return store.add(record, (Outcome(a.question.id, a.correct) for a in result.answered),
                     at=moment_of(record.finished_at),
                     in_content=lambda qid: corpus.get(_record_of(qid)) is not None)


def _record_of(question_id: str) -> str:
    """The record a question is about: `faq.merida#answer` asks about `faq.merida`."""
    return question_id.partition("#")[0]


def _unfinished(result: QuizResult, *, saved: bool, save: bool, why: str = "") -> str:
    """The one line on stderr after a quiz cut short: how far it got, why, and what was kept
    (`why` is why reading stdin stopped, when it was not simply the end of input)."""
    how = tr("stopped with q") if result.stopped else why or tr("input ended")
    note = ngettext("quiz ended after {done} of {count} question ({how})",
                    "quiz ended after {done} of {count} questions ({how})",
                    result.planned).format(done=result.total, count=result.planned, how=how)
    if saved:
        return tr("{note}; saved as unfinished").format(note=note)
    if save and not result.total:
        return tr("{note}; nothing answered, so nothing saved").format(note=note)
    return note


def _play_for_people(env: Environment, quiz: _Quiz, lines: Iterable[str] | None) -> QuizResult:
    from binatsec.quiz import engine

    screen = _screen(env)
    due = quiz.due
    reviewed = [q.id for q in quiz.questions if due and q.id in due]
    screen.start(quiz.topic, len(quiz.questions), quiz.seed, quiz.replay, reviewed,
                 review_asked=due is not None, scope=quiz.scope)
    source = _ScreenAnswers(screen, None if lines is None else iter(lines))
    result = engine.play(quiz.questions, source,
                         after_each=lambda done, _: screen.feedback(done))
    screen.summary(result)
    return result


class _ScreenAnswers:
    """Answers for a person: typed at the prompt, or read from a script and echoed."""

    def __init__(self, screen: QuizScreen, lines: Iterator[str] | None) -> None:
        self.screen = screen
        self.lines = lines
        self.shown: str | None = None

    def answer(self, question: Question, number: int, total: int) -> str | None:
        if self.shown != question.id:
            self.screen.question(question, number, total)
            self.shown = question.id
        if self.lines is None:
            return self.screen.ask(question)
        raw = next(self.lines, None)
        if raw is not None:
            self.screen.echo(question, raw)
        return raw

    def rejected(self, question: Question, raw: str) -> None:
        self.screen.rejected(question, raw)


def _store(run: Session) -> HistoryStore:
    """The quiz history in the run's data folder; a usage error if the folder is unusable."""
    from binatsec.quiz.history import HistoryStore  # only a quiz needs it

    return HistoryStore(run.data_folder())


class _QuietAnswers:
    """Scripted answers for --json: stdout is the document, so hints go to stderr."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.lines = iter(lines)

    def answer(self, question: Question, number: int, total: int) -> str | None:
        return next(self.lines, None)

    def rejected(self, question: Question, raw: str) -> None:
        say(tr("'{answer}' is not an answer to question {id}: {hint}; reading the next "
               "line").format(answer=raw.strip(), id=question.id, hint=question.hint()))


# --- helpers --------------------------------------------------------------------------------


def _split(answers: str) -> list[str]:
    items = [item.strip() for item in answers.split(",")]
    if items == [""]:
        usage_error(tr("give at least one answer, e.g. --answers a,m,2"), "--answers")
    return items


MAX_ANSWER_CHARS = 200  # no answer is longer; a longer line is read as one wrong answer
MAX_SKIPPED_CHARS = 1024 * 1024  # past this much of one line, stop reading answers
MAX_TRIES = 20  # lines read per question, at most: a script of wrong answers ends


class _StdinLines:
    """Answers from stdin, one per line, read as they come (a program can answer as it
    reads the questions). Bounded: each line is cut at MAX_ANSWER_CHARS, at most `limit`
    lines are read, and a line with no end (reading /dev/zero) stops the reading; `stopped`
    then says why, for the line that ends the unfinished quiz."""

    def __init__(self, env: Environment, limit: int) -> None:
        self.env = env
        self.limit = limit
        self.stopped = ""

    def __iter__(self) -> Iterator[str]:
        stdin = self.env.stdin
        if stdin is None:
            return
        for _ in range(self.limit):
            line = stdin.readline(MAX_ANSWER_CHARS + 1)
            if not line:
                return
            overlong = len(line) > MAX_ANSWER_CHARS and not line.endswith("\n")
            if overlong and not _skip_rest_of_line(stdin):
                self.stopped = tr("an answer line is longer than {size} characters; "
                                  "stopped reading answers").format(
                                      size=f"{MAX_SKIPPED_CHARS:,}")
                return
            yield line.rstrip("\r\n")
        self.stopped = tr("read {count} answer lines without finishing the quiz; stopped "
                          "reading answers").format(count=self.limit)


def _skip_rest_of_line(stream: IO[str]) -> bool:
    """Read past the end of an overlong line; False if it has none within MAX_SKIPPED_CHARS."""
    skipped = 0
    while skipped <= MAX_SKIPPED_CHARS:
        chunk = stream.readline(64 * 1024)
        if not chunk or chunk.endswith("\n"):
            return True
        skipped += len(chunk)
    return False


def _screen(env: Environment) -> QuizScreen:
    # Rich is imported here, on the human path only, so --json never pays for it.
    from binatsec.views.quiz_terminal import QuizScreen
    from binatsec.views.terminal import make_console

    return QuizScreen(make_console(env))
