"""The quiz engine: questions drawn from the corpus, answers checked, scores kept. Pure.

Nothing here reads files, prints or draws: questions come from a `Corpus` and a seed, through
the makers each topic declares (quiz/topics.py), answers from an `AnswerSource`, and the
caller decides what people see. The same corpus, seed and answers always give the same
questions and the same result.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from typing import Any, Literal, Protocol

from binatsec.corpus.records import DEFAULT_LANGUAGE, Corpus, Record
from binatsec.frozen import Frozen
from binatsec.quiz import ALL as ALL
from binatsec.quiz import DEFAULT_COUNT as DEFAULT_COUNT
from binatsec.quiz import SEED_LIMIT as SEED_LIMIT
from binatsec.quiz import topics
from binatsec.quiz.questions import Asking, Maker, Question, as_typed
from binatsec.quiz.topics import QuizTopic

QUIT = "q"  # typed instead of an answer, it ends the quiz (unfinished)


def quits(raw: str) -> bool:
    """Whether `raw` is the quit key rather than an answer."""
    return as_typed(raw) == QUIT


class Answered(Frozen):
    question: Question
    given: str  # an option key

    @property
    def correct(self) -> bool:
        return self.given == self.question.answer


Ending = Literal["finished", "quit", "end-of-input"]


class QuizResult(Frozen):
    """How a quiz went: the answers given, in order, and whether it was played to the end.

    A quiz ends unfinished when the player quits (`stopped`) or input runs out; then `total`
    (answered) is less than `planned` (asked)."""

    questions: tuple[Question, ...]
    answered: tuple[Answered, ...] = ()
    stopped: bool = False  # the player typed the quit key

    @property
    def score(self) -> int:
        return sum(1 for a in self.answered if a.correct)

    @property
    def total(self) -> int:
        return len(self.answered)

    @property
    def planned(self) -> int:
        return len(self.questions)

    @property
    def complete(self) -> bool:
        return self.total == self.planned

    @property
    def unanswered(self) -> int:
        return self.planned - self.total

    @property
    def ended(self) -> Ending:
        if self.complete:
            return "finished"
        return "quit" if self.stopped else "end-of-input"

    @property
    def missed(self) -> tuple[Answered, ...]:
        return tuple(a for a in self.answered if not a.correct)

    def reading(self) -> list[str]:
        """Commands that show what was missed, once each, in the order they were missed."""
        return list(dict.fromkeys(a.question.read for a in self.missed if a.question.read))


class AnswerSource(Protocol):
    """Where answers come from: a person at a prompt, lines of a script, or a list."""

    def answer(self, question: Question, number: int, total: int) -> str | None:
        """The raw answer to question `number` (1-based), or None when input has ended."""

    def rejected(self, question: Question, raw: str) -> None:
        """`raw` was not a valid answer; the same question will be asked again."""


class ListedAnswers:
    """Answers given up front (`--answers a,m,2` or lines of a script), one per question."""

    def __init__(self, answers: Iterable[str]) -> None:
        self.answers = answers
        self.rejections: list[tuple[str, str]] = []
        self._pending: Iterator[str] | None = None

    def answer(self, question: Question, number: int, total: int) -> str | None:
        if self._pending is None:
            self._pending = iter(self.answers)
        return next(self._pending, None)

    def rejected(self, question: Question, raw: str) -> None:
        self.rejections.append((question.id, raw))


def play(questions: Sequence[Question], source: AnswerSource,
         after_each: Callable[[Answered, int], None] | None = None) -> QuizResult:
    """Ask every question in turn; invalid answers are asked again and not counted.

    Stops early, with the answers so far, when the source runs out of input or the player
    types the quit key.
    """
    answered: list[Answered] = []
    for number, question in enumerate(questions, start=1):
        while True:
            raw = source.answer(question, number, len(questions))
            if raw is None:
                return QuizResult(tuple(questions), tuple(answered))
            if quits(raw) and question.parse(raw) is None:
                return QuizResult(tuple(questions), tuple(answered), stopped=True)
            key = question.parse(raw)
            if key is not None:
                break
            source.rejected(question, raw)
        done = Answered(question, key)
        answered.append(done)
        if after_each is not None:
            after_each(done, number)
    return QuizResult(tuple(questions), tuple(answered))


def check_answers(questions: Sequence[Question], answers: Sequence[str]) -> str | None:
    """Why a list of answers given up front cannot be used, or None when it can.

    There must be exactly one per question: too few and too many are the same mistake (a
    usage error), never a quiz cut short or answers silently dropped."""
    for number, (question, raw) in enumerate(zip(questions, answers, strict=False), start=1):
        if question.parse(raw) is None:
            return f"answer {number} '{raw}' is not valid for question {number}: {question.hint()}"
    if len(answers) != len(questions):
        return (f"got {len(answers)} answer{'s' if len(answers) != 1 else ''} for "
                f"{len(questions)} question{'s' if len(questions) != 1 else ''}; give exactly "
                "one per question")
    return None


# --- generation -----------------------------------------------------------------------------
# Each topic draws from a random stream of its own, seeded with the quiz's seed alone: a
# topic asks the same questions for a seed alone or within "all", whatever other topics
# exist. Topics take turns in an order drawn from the seed and each topic's name, so a new
# topic joins the turns without reordering the others (docs/architecture.md).


def build(corpus: Corpus, topic: str, count: int, seed: int, first: Sequence[str] = (),
          language: str = DEFAULT_LANGUAGE,
          within: Collection[str] | None = None) -> list[Question]:
    """Up to `count` questions on `topic` (or "all"), at most one per record, and only on the
    records `within` names when it is given (those a look-up found).

    Question ids in `first` (from the review schedule) come first, in their order, where the
    content still has them; the rest are drawn at random, topics taking turns for "all".
    """
    chosen = [t for t in topics.all_topics() if topic in (ALL, t.name)]
    askers = {t.name: _Asker(corpus, t, random.Random(seed), language) for t in chosen}
    questions: list[Question] = []
    # Records asked already (a record is asked once a quiz), and those never to ask.
    used: set[str] = set()
    outside = (set() if within is None else
               {r.id for t in chosen for r in corpus.of(t.kind)} - set(within))
    for question_id in first:
        owner = topics.of_question(question_id)
        asker = askers.get(owner.name) if owner is not None else None
        record_id, _, variant = question_id.partition("#")
        if (asker is not None and len(questions) < count and record_id not in used
                and record_id not in outside):
            _add(questions, used, asker.ask(record_id, variant or None))
    turns = sorted(askers.values(), key=lambda asker: _turn(seed, asker.topic))
    queues = [(asker, asker.shuffled(leaving_out=used | outside)) for asker in turns]
    while len(questions) < count and any(queue for _, queue in queues):
        for asker, queue in queues:
            if queue and len(questions) < count:
                record_id = queue.pop(0)
                if record_id not in used:  # another topic on the same kind may have asked it
                    _add(questions, used, asker.ask(record_id))
    return questions


def question_for(corpus: Corpus, question_id: str, rng: random.Random,
                 language: str = DEFAULT_LANGUAGE) -> Question | None:
    """The question with this id (options drawn afresh), or None if the content lacks it."""
    topic = topics.of_question(question_id)
    if topic is None:
        return None
    record_id, _, variant = question_id.partition("#")
    return _Asker(corpus, topic, rng, language).ask(record_id, variant or None)


def variants(corpus: Corpus, record_id: str) -> tuple[str, ...]:
    """The ways this record can be asked about, by every topic on its kind."""
    record = corpus.get(record_id)
    if record is None:
        return ()
    return tuple(variant for topic in topics.about_record(record_id)
                 for variant in _Asker(corpus, topic, random.Random(0),
                                       DEFAULT_LANGUAGE).choices(record))


def _turn(seed: int, topic: QuizTopic) -> float:
    return random.Random(f"{seed}:{topic.name}").random()


def _add(questions: list[Question], used: set[str], question: Question | None) -> None:
    if question is not None:
        questions.append(question)
        used.add(question.record_id)


class _Asker:
    """One topic's questions in one quiz, every random choice drawn from the topic's stream."""

    def __init__(self, corpus: Corpus, topic: QuizTopic, rng: random.Random,
                 language: str) -> None:
        self.topic = topic
        self.asking = Asking(corpus, rng, language)

    def shuffled(self, leaving_out: set[str]) -> list[str]:
        """The ids of the records this topic may ask about, in a random order."""
        ids = [r.id for r in self.asking.corpus.of(self.topic.kind) if r.id not in leaving_out]
        self.asking.rng.shuffle(ids)
        return ids

    def choices(self, record: Record) -> dict[str, Maker[Any]]:
        """The variants this record can be asked as, each with its maker, in declared order."""
        return {variant: maker for maker in self.topic.makers
                for variant in maker.askable(record, self.asking)}

    def ask(self, record_id: str, variant: str | None = None) -> Question | None:
        """The record asked as `variant`, or as one drawn at random when it cannot be."""
        record = self.asking.corpus.get(record_id)
        choices = self.choices(record) if record is not None else {}
        if record is None or not choices:
            return None
        if variant not in choices:
            variant = self.asking.rng.choice(list(choices))
        maker = choices[variant]
        posed = maker.ask(record, variant, self.asking)
        return Question(
            id=f"{record_id}#{variant}", record_id=record_id, topic=self.topic.name,
            kind=maker.kind, prompt=posed.prompt, options=posed.options, answer=posed.answer,
            explanation=posed.explanation, credit=posed.credit, read=posed.read,
            multiple_choice=maker.multiple_choice, repeats_answer=maker.repeats_answer)
