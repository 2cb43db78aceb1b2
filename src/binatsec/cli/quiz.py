"""`binatsec quiz` and `binatsec quiz history`: the Typer layer over the quiz engine.

Answers come from a person at a terminal, from stdin one per line, or from --answers. The
history file is written once, at the end, so Ctrl-C or a crash mid-quiz leaves it untouched.
This module must not import Rich: views.quiz_terminal is imported only on the human path.
It is imported to build `binatsec myths` too (which shares the quiz's options), so the
engine, the history and `random` are imported only when a quiz is played.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import IO, TYPE_CHECKING

import typer

from binatsec import queries, results
from binatsec.cli.quiz_options import (
    AnswersOption,
    CountOption,
    NoInputOption,
    NoSaveOption,
    ReviewOption,
    SeedOption,
    TopicOption,
    topics,
)
from binatsec.cli.session import JsonOption, respond, session, usage_error
from binatsec.environment import Environment
from binatsec.errors import INTERRUPTED, NOT_FOUND, NOT_SAVED, NothingFound
from binatsec.quiz import ALL, DEFAULT_COUNT, SEED_LIMIT
from binatsec.streams import say

if TYPE_CHECKING:
    from binatsec.quiz.engine import Question, QuizResult
    from binatsec.quiz.history import HistoryStore
    from binatsec.views.quiz_terminal import QuizScreen

# A quiz that ends before its last question (q, or the end of input) exits with this, after
# its score: a script can tell it from a finished quiz (0) and from a usage error (2).
UNFINISHED = NOT_FOUND




quiz_app = typer.Typer(
    name="quiz",
    rich_markup_mode=None,
    no_args_is_help=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

@quiz_app.callback(invoke_without_command=True, epilog="""Examples:
    binatsec quiz
    binatsec quiz --topic myths --count 5
    binatsec quiz --topic myths --count 3 --answers m,f,m --no-save""")
def quiz_command(
    ctx: typer.Context,
    topic: TopicOption = ALL,
    count: CountOption = DEFAULT_COUNT,
    seed: SeedOption = None,
    answers: AnswersOption = None,
    no_save: NoSaveOption = False,
    review: ReviewOption = False,
    no_input: NoInputOption = False,
    json_output: JsonOption = False,
) -> None:
    """Play a quiz on myths, the FAQ, figures, dates and pillars.

    In a terminal it asks one question at a time; type q to stop. Otherwise it reads one
    answer per line from stdin (a line 'q' stops), or takes --answers. Each quiz with an
    answer is saved to your history ($BINATSEC_DATA_DIR moves it); see 'binatsec quiz
    history'. Exit status: 0 when every question was answered; 1 when the quiz ended
    unfinished (q, the end of input, or input that holds no answers), after showing the score
    so far, which is saved marked unfinished; 2 for a usage error; 73 when the result, still
    shown, could not be saved to the history.
    """
    if ctx.invoked_subcommand is not None:
        return
    if topic not in topics():
        usage_error(str(queries.NotFound("topic", topic, topics())), "--topic")
    play_quiz(ctx, topic, count=count, seed=seed, answers=answers, save=not no_save,
              review=review, json_output=json_output, no_input=no_input,
              replay=f"binatsec quiz --topic {topic}")


@quiz_app.command(name="history", epilog="""Examples:
    binatsec quiz history
    binatsec quiz history --json""")
def history_command(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """Past quiz scores, oldest first, and the review schedule: how many questions are due
    now, and when the next ones are."""
    store = _store()
    now = store.clock()
    saved = store.load()  # only reads: a bad file is reported, not moved
    respond(ctx, results.QuizHistory(saved, str(store.path), saved.due(now),
                                     upcoming=saved.upcoming(now),
                                     language=session(ctx).language), json_output)


# --- playing --------------------------------------------------------------------------------


def play_quiz(ctx: typer.Context, topic: str, *, count: int = DEFAULT_COUNT,
              seed: int | None = None, answers: str | None = None, save: bool = True,
              review: bool = False, json_output: bool = False, no_input: bool = False,
              replay: str = "") -> None:
    """Build the questions, ask them, show or print the result, and record it.

    `replay` is the command (with the options that chose the topic) that the replay hint
    starts with; the count, seed and --review follow it. An unfinished quiz exits 1, and
    one whose result could not be saved exits 73 (NOT_SAVED), after showing it either way."""
    import random

    from binatsec.quiz import engine as quiz
    from binatsec.quiz.history import Outcome, QuizRecord, moment_of, timestamp

    run = session(ctx)
    json_output = json_output or run.json
    listed = _split(answers) if answers is not None else None
    interactive = listed is None and run.env.stdin_is_terminal
    if listed is None and run.env.stdin is None:
        usage_error("standard input is closed, so there are no answers to read; give "
                    "--answers a,m,2,... or pipe one answer per line", "--answers")
    if interactive and (json_output or no_input):
        why = "--json" if json_output else "--no-input"
        usage_error(f"{why} reads answers from --answers or stdin, and stdin is a terminal; "
                    "give --answers a,m,2,... or pipe one answer per line", "--answers")
    corpus = run.corpus()
    if seed is None:
        seed = random.SystemRandom().randrange(SEED_LIMIT)
    store = _store() if save or review else None
    due = store.load().due(store.clock()) if review and store is not None else []
    questions = quiz.build(corpus, topic, count, random.Random(seed), first=due)
    if not questions:
        raise NothingFound(f"no questions can be made on {topic} from this content")
    if listed is not None:
        problem = quiz.check_answers(questions, listed)
        if problem:
            usage_error(problem, "--answers")
    reader = _StdinLines(run.env, len(questions) * MAX_TRIES) if listed is None else None
    lines: Iterable[str] = listed if listed is not None else reader or ()
    again = (f"{replay or f'binatsec quiz --topic {topic}'} --count {len(questions)} "
             f"--seed {seed}{' --review' if review else ''}")
    try:
        if json_output:
            result = quiz.play(questions, _QuietAnswers(lines))
        else:
            result = _play_for_people(run.env, topic, questions, seed, again,
                                      due if review else None, None if interactive else lines)
    except KeyboardInterrupt:
        # Typer turns Ctrl-C into a silent exit 130; say what became of the quiz.
        say("interrupted; this quiz was not saved")
        raise typer.Exit(INTERRUPTED) from None
    record = None
    if save and store is not None and result.total:
        now = store.clock()
        record = QuizRecord(finished_at=timestamp(now), topic=topic, seed=seed,
                            score=result.score, total=result.total, planned=result.planned,
                            complete=result.complete, review=review,
                            missed=tuple(a.question.id for a in result.missed))
    saved = False
    try:
        if record is not None and store is not None:
            saved = store.add(record, (Outcome(a.question.id, a.correct)
                                       for a in result.answered),
                              at=moment_of(record.finished_at),
                              in_content=lambda qid: corpus.get(_record_of(qid)) is not None)
        if json_output:
            respond(ctx, results.QuizOutcome(result, topic, seed, review, saved, run.language),
                    True)
    except KeyboardInterrupt:
        # Ctrl-C may land before the new file replaced the old or after: the file says which.
        if record is not None and store is not None and not saved:
            saved = store.holds(record)
        say(f"interrupted; this quiz was {'saved' if saved else 'not saved'}")
        raise typer.Exit(INTERRUPTED) from None
    if not result.complete:
        say(_unfinished(result, saved=saved, save=save, why=reader.stopped if reader else ""))
    if record is not None and not saved:
        # The store has said why; the result was shown all the same. This outranks
        # "unfinished": a script must learn that its history is not growing.
        raise typer.Exit(NOT_SAVED)
    if not result.complete:
        raise typer.Exit(UNFINISHED)


def _record_of(question_id: str) -> str:
    """The record a question is about: `faq.merida#answer` asks about `faq.merida`."""
    return question_id.partition("#")[0]


def _unfinished(result: QuizResult, *, saved: bool, save: bool, why: str = "") -> str:
    """The one line on stderr after a quiz cut short: how far it got, why, and what was kept
    (`why` is why reading stdin stopped, when it was not simply the end of input)."""
    how = "stopped with q" if result.stopped else why or "input ended"
    note = (f"quiz ended after {result.total} of {result.planned} question"
            f"{'s' if result.planned != 1 else ''} ({how})")
    if saved:
        return f"{note}; saved as unfinished"
    if save and not result.total:
        return f"{note}; nothing answered, so nothing saved"
    return note


def _play_for_people(env: Environment, topic: str, questions: Sequence[Question], seed: int,
                     replay: str, due: Sequence[str] | None,
                     lines: Iterable[str] | None) -> QuizResult:
    from binatsec.quiz import engine as quiz

    screen = _screen(env)
    reviewed = [q.id for q in questions if due and q.id in due]
    screen.start(topic, len(questions), seed, replay, reviewed, review_asked=due is not None)
    source = _ScreenAnswers(screen, None if lines is None else iter(lines))
    result = quiz.play(questions, source, after_each=lambda done, _: screen.feedback(done))
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


def _store() -> HistoryStore:
    """The quiz history in the user's data folder; a usage error if the folder is unusable."""
    from binatsec.quiz.history import HistoryStore, data_dir  # only a quiz needs them

    try:
        return HistoryStore(data_dir())
    except ValueError as error:  # history.DataDirError: $BINATSEC_DATA_DIR is unusable
        usage_error(str(error))


class _QuietAnswers:
    """Scripted answers for --json: stdout is the document, so hints go to stderr."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.lines = iter(lines)

    def answer(self, question: Question, number: int, total: int) -> str | None:
        return next(self.lines, None)

    def rejected(self, question: Question, raw: str) -> None:
        say(f"'{raw.strip()}' is not an answer to question {question.id}: {question.hint()}; "
            "reading the next line")


# --- helpers --------------------------------------------------------------------------------


def _split(answers: str) -> list[str]:
    items = [item.strip() for item in answers.split(",")]
    if items == [""]:
        usage_error("give at least one answer, e.g. --answers a,m,2", "--answers")
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
                self.stopped = (f"an answer line is longer than {MAX_SKIPPED_CHARS:,} "
                                "characters; stopped reading answers")
                return
            yield line.rstrip("\r\n")
        self.stopped = (f"read {self.limit} answer lines without finishing the quiz; stopped "
                        "reading answers")


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
