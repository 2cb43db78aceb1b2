"""`binatsec quiz` and `binatsec quiz history`: the Typer layer over the quiz engine.

Answers come from a person at a terminal, from stdin one per line, or from --answers. The
history file is written once, at the end, so Ctrl-C or a crash mid-quiz leaves it untouched.
This module must not import Rich: views.quiz_terminal is imported only on the human path.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, TYPE_CHECKING, Annotated, Optional

import typer

from binatsec import queries, results
from binatsec.cli.session import JsonOption, respond, session, usage_error
from binatsec.corpus import kinds
from binatsec.errors import INTERRUPTED, NothingFound
from binatsec.quiz import engine as quiz
from binatsec.quiz.engine import DEFAULT_COUNT, SEED_LIMIT, Question, Result
from binatsec.quiz.history import HistoryStore, Outcome, QuizRecord, data_dir, timestamp, utc_now
from binatsec.terminal import Environment
from binatsec.views.stream import say

if TYPE_CHECKING:
    from binatsec.views.quiz_terminal import QuizScreen


def topics() -> list[str]:
    """The quiz topics the registry of kinds declares, then "all"."""
    return [*kinds.quiz_topics(), quiz.ALL]


quiz_app = typer.Typer(
    name="quiz",
    rich_markup_mode=None,
    no_args_is_help=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

@quiz_app.callback(invoke_without_command=True)
def quiz_command(
    ctx: typer.Context,
    topic: Annotated[str, typer.Option(
        "--topic", "-t", help="What to be asked about: myths, faq, stats, timeline, pillars "
        "or all.", autocompletion=lambda incomplete: [t for t in topics()
                                                     if t.startswith(incomplete)])] = quiz.ALL,
    count: Annotated[int, typer.Option(
        "--count", "-n", min=1, help="How many questions (at most one per record).")]
    = DEFAULT_COUNT,
    seed: Annotated[Optional[int], typer.Option(  # noqa: UP045 - Typer reads it at run time
        "--seed", min=0, help="Choose the questions with this seed; the same seed and answers "
        "give the same output. Without it a seed is picked and shown.",
        show_default=False)] = None,
    answers: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--answers", help="Answer without prompts: one answer per question, comma-separated "
        "(a,m,2,...). A letter or number for multiple choice, m/f for myth or fact.",
        show_default=False)] = None,
    no_save: Annotated[bool, typer.Option(
        "--no-save", help="Don't record this quiz in your history.")] = False,
    review: Annotated[bool, typer.Option(
        "--review", help="Ask first the questions you missed most recently, and those due "
        "again on your review schedule.")] = False,
    no_input: Annotated[bool, typer.Option(
        "--no-input", help="Never prompt: read answers from --answers or stdin only, and fail "
        "if stdin is a terminal.")] = False,
    json_output: JsonOption = False,
) -> None:
    """Play a quiz on myths, the FAQ, figures, dates and pillars.

    In a terminal it asks one question at a time. Otherwise it reads one answer per line from
    stdin, or takes --answers. Each finished quiz is saved to your history
    ($BINATSEC_DATA_DIR moves it); see 'binatsec quiz history'.
    """
    if ctx.invoked_subcommand is not None:
        return
    if topic not in topics():
        usage_error(str(queries.NotFound("topic", topic, topics())), "--topic")
    play_quiz(ctx, topic, count=count, seed=seed, answers=answers, save=not no_save,
              review=review, json_output=json_output, no_input=no_input)


@quiz_app.command(name="history")
def history_command(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """Past quiz scores, oldest first, and how many questions are due for review."""
    try:
        store = HistoryStore(data_dir())
    except ValueError as error:  # history.DataDirError: $BINATSEC_DATA_DIR is unusable
        usage_error(str(error))
    saved = store.load()  # only reads: a file it cannot use is reported, never moved
    respond(ctx, results.QuizHistory(saved, str(store.path), saved.due(),
                                     session(ctx).language), json_output)


# --- playing --------------------------------------------------------------------------------


def play_quiz(ctx: typer.Context, topic: str, *, count: int = DEFAULT_COUNT,
              seed: int | None = None, answers: str | None = None, save: bool = True,
              review: bool = False, json_output: bool = False, no_input: bool = False) -> None:
    """Build the questions, ask them, show or print the result, and record it."""
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
    try:
        store = HistoryStore(data_dir()) if save or review else None
    except ValueError as error:  # history.DataDirError: $BINATSEC_DATA_DIR is unusable
        usage_error(str(error))
    due = store.load().due() if review and store is not None else []
    questions = quiz.build(corpus, topic, count, random.Random(seed), first=due)
    if not questions:
        raise NothingFound(f"no questions can be made on {topic} from this content")
    if listed is not None:
        problem = quiz.check_answers(questions, listed)
        if problem:
            usage_error(problem, "--answers")
    lines: Iterable[str] = (listed if listed is not None
                            else _stdin_lines(run.env, len(questions) * MAX_TRIES))
    try:
        if json_output:
            result = quiz.play(questions, _QuietAnswers(lines))
        else:
            result = _play_for_people(run.env, topic, questions, seed,
                                      due if review else None, None if interactive else lines)
    except KeyboardInterrupt:
        # Typer turns Ctrl-C into a silent exit 130; say what became of the quiz.
        say("interrupted; this quiz was not saved")
        raise typer.Exit(INTERRUPTED) from None
    saved = False
    if save and store is not None and result.total:
        record = QuizRecord(finished_at=timestamp(utc_now()), topic=topic, seed=seed,
                            score=result.score, total=result.total, planned=result.planned,
                            complete=result.complete, review=review,
                            missed=tuple(a.question.id for a in result.missed))
        saved = store.add(record, (Outcome(a.question.id, a.correct) for a in result.answered))
    if json_output:
        respond(ctx, results.QuizOutcome(result, topic, seed, review, saved, run.language), True)


def _play_for_people(env: Environment, topic: str, questions: Sequence[Question], seed: int,
                     due: Sequence[str] | None, lines: Iterable[str] | None) -> Result:
    screen = _screen(env)
    replay = f"binatsec quiz --topic {topic} --count {len(questions)} --seed {seed}"
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


class _QuietAnswers(quiz.ListedAnswers):
    """Scripted answers for --json: stdout is the document, so hints go to stderr."""

    def rejected(self, question: Question, raw: str) -> None:
        super().rejected(question, raw)
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


def _stdin_lines(env: Environment, limit: int) -> Iterator[str]:
    """Answers from stdin, one per line, read as they come (a program can answer as it
    reads the questions). Bounded: each line is cut at MAX_ANSWER_CHARS, at most `limit`
    lines are read, and a line with no end (reading /dev/zero) stops the reading."""
    if env.stdin is None:
        return
    for _ in range(limit):
        line = env.stdin.readline(MAX_ANSWER_CHARS + 1)
        if not line:
            return
        overlong = len(line) > MAX_ANSWER_CHARS and not line.endswith("\n")
        if overlong and not _skip_rest_of_line(env.stdin):
            say(f"an answer line is longer than {MAX_SKIPPED_CHARS:,} characters; "
                "stopped reading answers")
            return
        yield line.rstrip("\r\n")
    say(f"read {limit} answer lines without finishing the quiz; stopped reading answers")


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
