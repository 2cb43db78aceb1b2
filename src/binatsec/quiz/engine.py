"""The quiz engine: questions generated from the corpus, answers checked, scores kept. Pure.

Nothing here reads files, prints or draws: questions come from a `Corpus` and a seeded
`random.Random`, answers from an `AnswerSource`, and the caller decides what people see.
The same corpus, seed and answers always give the same questions and the same result.
"""

from __future__ import annotations

import itertools
import math
import random
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Literal, Protocol

from binatsec import figures
from binatsec.corpus import kinds
from binatsec.corpus import records as model
from binatsec.corpus.records import DEFAULT_LANGUAGE, Corpus
from binatsec.frozen import Frozen
from binatsec.queries import attribution_text, figures_for, source_of, typed_number
from binatsec.quiz import ALL as ALL
from binatsec.quiz import DEFAULT_COUNT as DEFAULT_COUNT
from binatsec.quiz import SEED_LIMIT as SEED_LIMIT

Topic = str  # a kind's quiz topic, as the registry of kinds declares it
TOPICS: tuple[Topic, ...] = kinds.quiz_topics()

QuestionKind = Literal["myth-or-fact", "figure", "which-year", "which-first", "pillar",
                       "faq-answer"]

LETTERS = "abcdefghij"
MYTH, FACT = "m", "f"
_WORDS = {"m": MYTH, "myth": MYTH, "f": FACT, "fact": FACT}
QUIT = "q"  # typed instead of an answer, it ends the quiz (unfinished)

# Wrong figures come from a ladder around the right one: each rung the last times a ratio
# drawn from RATIO_RANGE, rounded as the article rounds (see _round_like). The right answer
# takes a random rung of the window, so neither its place nor the ratios give it away.
# A percentage steps by a drawn amount instead (PERCENT_STEP), staying between 0 and 100.
RATIO_RANGE = (1.4, 1.7)
PERCENT_STEP = (7.0, 15.0)
NICE_MANTISSAS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)
# "about X" and "nearly X" are loose: a wrong option closer than this share of X could be
# read as the same figure.
APART = 0.1
LADDER_TRIES = 30
YEAR_OFFSETS = (-6, -5, -4, -3, -2, -1, 1, 2, 3)
MAX_OPTIONS = 4


class Option(Frozen):
    key: str  # what the player types: a letter, or m/f
    text: str


class Question(Frozen):
    """One question, with everything needed to check it and to explain the answer."""

    id: str  # "<record id>#<variant>": stable across runs, used by the review schedule
    record_id: str
    topic: Topic
    kind: QuestionKind
    prompt: str
    options: tuple[Option, ...]
    answer: str  # the key of the right option
    explanation: str
    credit: str = ""  # who the article credits for the fact, if anyone
    read: str = ""  # the command that shows the record

    @property
    def multiple_choice(self) -> bool:
        return self.kind != "myth-or-fact"

    @property
    def answer_text(self) -> str:
        return self.option(self.answer).text

    def option(self, key: str) -> Option:
        return next(o for o in self.options if o.key == key)

    def hint(self) -> str:
        """How to answer this question, shown when an answer is not understood."""
        if not self.multiple_choice:
            return "answer m (myth) or f (fact)"
        last = len(self.options)
        return (f"answer with a letter a-{LETTERS[last - 1]}, a number 1-{last} or an "
                "option's text")

    def parse(self, raw: str) -> str | None:
        """The option key `raw` stands for, or None: a letter, a number, m/f or myth/fact,
        or an option's own text ("over $3 billion"), in any case and spacing, its thousands
        separators optional."""
        text = _as_typed(raw)
        if not self.multiple_choice:
            return _WORDS.get(text)
        keys = [o.key for o in self.options]
        number = typed_number(text)
        if number is not None and 1 <= number <= len(keys):
            return keys[number - 1]
        if text in keys:
            return text
        return next((o.key for o in self.options if text and _as_typed(o.text) == text), None)


_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def _as_typed(text: str) -> str:
    """Text as it is compared with what a person typed: spaces collapsed, case folded, and
    no thousands separators ("over 15000" is "over 15,000", and fits in --answers)."""
    return _THOUSANDS.sub("", " ".join(text.split()).casefold())


def quits(raw: str) -> bool:
    """Whether `raw` is the quit key rather than an answer."""
    return _as_typed(raw) == QUIT


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


def topic_of(record_id: str) -> Topic | None:
    kind = kinds.of_prefix(record_id.split(".", 1)[0])
    return kind.quiz_topic if kind is not None else None


def records_for(corpus: Corpus, topic: Topic) -> Sequence[model.Record]:
    return next((corpus.of(kind.name) for kind in kinds.all_kinds()
                 if kind.quiz_topic == topic), ())


def build(corpus: Corpus, topic: Topic | str, count: int, rng: random.Random,
          first: Sequence[str] = (), language: str = DEFAULT_LANGUAGE) -> list[Question]:
    """Up to `count` questions on `topic` (or "all"), at most one per record.

    Question ids in `first` (from the review schedule) come first, in their order, where the
    content still has them; the rest are drawn at random, topics taking turns for "all".
    """
    every = kinds.quiz_topics()
    topics = every if topic == ALL else tuple(t for t in every if t == topic)
    maker = _Maker(corpus, rng, language)
    questions: list[Question] = []
    used: set[str] = set()
    for question_id in first:
        record_id, _, variant = question_id.partition("#")
        if len(questions) >= count or record_id in used or topic_of(record_id) not in topics:
            continue
        question = maker.ask(record_id, variant or None)
        if question is not None:
            questions.append(question)
            used.add(record_id)
    queues = []
    for name in topics:
        ids = [r.id for r in records_for(corpus, name) if r.id not in used]
        rng.shuffle(ids)
        queues.append(ids)
    rng.shuffle(queues)
    while len(questions) < count and any(queues):
        for queue in queues:
            if queue and len(questions) < count:
                question = maker.ask(queue.pop(0))
                if question is not None:
                    questions.append(question)
    return questions


def question_for(corpus: Corpus, question_id: str, rng: random.Random,
                 language: str = DEFAULT_LANGUAGE) -> Question | None:
    """The question with this id (options drawn afresh), or None if the content lacks it."""
    record_id, _, variant = question_id.partition("#")
    return _Maker(corpus, rng, language).ask(record_id, variant or None)


def variants(corpus: Corpus, record_id: str) -> tuple[str, ...]:
    """The kinds of question this record can be asked as."""
    return _Maker(corpus, random.Random(0), DEFAULT_LANGUAGE).variants(record_id)


def _span(event: model.TimelineEvent) -> tuple[int, int]:
    """A dated event's first and last year (the quiz asks only about dated events)."""
    first = event.year if event.year is not None else 0
    return first, event.end_year if event.end_year is not None else first


def _full_stop(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."


def _amount(value: float, stat: model.Stat) -> str:
    return figures.hedged(value, stat.unit, stat.qualifier)


def figure_distractors(stat: model.Stat, rng: random.Random,
                       wanted: int = MAX_OPTIONS - 1) -> list[tuple[float, str]]:
    """Wrong but plausible figures, smallest first: same unit, scale and qualifier, all
    distinct, and none that the article's figure would make true as well.

    They are rungs of a ladder around the right figure, which takes a random rung of the
    window (see RATIO_RANGE), so neither its rank nor the ratios between options give it
    away. "About X" and "nearly X" get no wrong option within APART of X. "Over X" gets only
    larger ones, as "over" anything smaller would be true too: there the right figure is
    always the smallest, and only the order the options are shown in hides it.
    """
    ranks = [0] if stat.qualifier == "over" else list(range(wanted + 1))
    while ranks:
        rank = rng.choice(ranks)
        for _ in range(LADDER_TRIES):
            ladder = _ladder(stat, rank, wanted, rng)
            if ladder is not None:
                return ladder
        ranks.remove(rank)  # this rung cannot hold the right figure (a percentage near 0)
    return _nearby(stat, wanted)


def _ladder(stat: model.Stat, rank: int, wanted: int,
            rng: random.Random) -> list[tuple[float, str]] | None:
    """`wanted` wrong figures around the right one, which is number `rank` (from 0) of
    them all in order; None if this draw gives figures that cannot be used."""
    value = stat.value
    steps = [k for k in range(-rank, wanted + 1 - rank) if k != 0]
    if stat.unit == "percent":
        step = rng.uniform(*PERCENT_STEP)
        decimals = 0 if value == int(value) else 1
        values = [round(value + k * step, decimals) for k in steps]
    else:
        ratio = rng.uniform(*RATIO_RANGE)
        values = [_round_like(value * ratio**k, value) for k in steps]
    order = [*values[:rank], value, *values[rank:]]
    if any(b <= a for a, b in itertools.pairwise(order)):
        return None  # rounding folded two rungs together, or crossed the right figure
    found = _distinct(values, stat, {_amount(value, stat)})
    if len(found) < len(values) or not all(implied_by(stat, v) is False for v in values):
        return None
    return found


def implied_by(stat: model.Stat, value: float) -> bool | None:
    """Whether the article's figure makes "<qualifier> `value`" true as well (or, for a loose
    figure, too close to tell apart): True, False, or None when `value` is out of range."""
    if value <= 0 or (stat.unit == "percent" and value >= 100):
        return None
    if _amount(value, stat) == _amount(stat.value, stat):
        return True
    if stat.qualifier == "over":
        return value <= stat.value
    if stat.qualifier in ("about", "nearly"):
        return abs(value - stat.value) <= APART * stat.value
    return value == stat.value


def _nearby(stat: model.Stat, wanted: int) -> list[tuple[float, str]]:
    """Wrong figures by small steps, for a figure no ladder fits (tiny values that round
    onto each other, a percentage at the edge): the nearest usable ones, smallest first."""
    steps = (max(1.0, stat.value * 2 * APART), 1.0, 0.5)
    candidates = sorted((stat.value + sign * k * step for step in steps
                         for k in range(1, 4 * wanted + 1) for sign in (1, -1)),
                        key=lambda v: abs(v - stat.value))
    usable = [v for v in candidates if implied_by(stat, v) is False]
    return sorted(_distinct(usable, stat, {_amount(stat.value, stat)})[:wanted])


def _significant_digits(value: float) -> int:
    mantissa = f"{abs(value):.6e}".split("e")[0].replace(".", "").rstrip("0")
    return max(1, len(mantissa))


def _mantissa(value: float) -> tuple[float, int]:
    exponent = math.floor(math.log10(value))
    return value / 10**exponent, exponent


def _round_like(value: float, like: float) -> float:
    """`value` rounded as the article rounded `like`: to a round mantissa (1, 1.2, 1.5, 2,
    2.5, 3, 4, 5, 6, 8) when `like` has one, else to as many significant digits (2 or 3)."""
    if value <= 0 or like <= 0:
        return value
    mantissa, exponent = _mantissa(value)
    if any(math.isclose(_mantissa(like)[0], m, rel_tol=1e-9) for m in NICE_MANTISSAS):
        nearest = min(NICE_MANTISSAS, key=lambda m: abs(math.log(mantissa / m)))
        return figures.significant(nearest * 10.0**exponent, 3)
    return figures.significant(value, min(3, max(2, _significant_digits(like))))


def _distinct(values: Iterable[float], stat: model.Stat,
              taken: set[str]) -> list[tuple[float, str]]:
    """Positive values whose wording differs from every wording in `taken` and each other."""
    seen = set(taken)
    out: list[tuple[float, str]] = []
    for value in values:
        text = _amount(value, stat)
        if value > 0 and text not in seen:
            seen.add(text)
            out.append((value, text))
    return out


class _Maker:
    """Builds questions for one corpus; every random choice goes through `rng`."""

    def __init__(self, corpus: Corpus, rng: random.Random, language: str) -> None:
        self.corpus = corpus
        self.rng = rng
        self.language = language

    def text(self, value: model.Text | None) -> str:
        return value.get(self.language) if value is not None else ""

    def variants(self, record_id: str) -> tuple[str, ...]:
        record = self.corpus.get(record_id)
        if isinstance(record, model.Myth):
            return ("myth", "reality")
        if isinstance(record, model.Stat):
            return ("figure",)
        if isinstance(record, model.Pillar):
            return ("example", "summary") if len(self.corpus.pillars) > 1 else ()
        if isinstance(record, model.FaqEntry):
            return ("answer",) if len(self.corpus.faq) > 1 else ()
        if isinstance(record, model.TimelineEvent):
            found: list[str] = []
            if not record.dated:
                return ()  # the article gives no date to ask about, or to order by
            single_year = record.end_year is None
            if single_year or self._other_dates(record):
                found.append("year")
            if self._later(record):
                found.append("first")
            return tuple(found)
        return ()

    def ask(self, record_id: str, variant: str | None = None) -> Question | None:
        choices = self.variants(record_id)
        if not choices:
            return None
        if variant not in choices:
            variant = self.rng.choice(choices)
        record = self.corpus.get(record_id)
        if isinstance(record, model.Myth):
            return self.myth(record, variant)
        if isinstance(record, model.Stat):
            return self.figure(record)
        if isinstance(record, model.Pillar):
            return self.pillar(record, variant)
        if isinstance(record, model.FaqEntry):
            return self.faq(record)
        if isinstance(record, model.TimelineEvent):
            return self.which_first(record) if variant == "first" else self.which_year(record)
        return None

    def credit(self, record: model.Stat | model.Pillar) -> str:
        """Who the article credits, and for what; a figure always says, even when the article
        names no one. For a pillar the credit is the four-part model, not its example (the
        example's figure has a credit of its own)."""
        source = source_of(record, self.corpus)
        if isinstance(record, model.Pillar):
            return (f"the four pillars are the {source.name}'s, as cited in the article"
                    if source is not None else "")
        return attribution_text(source)

    # --- one method per kind ----------------------------------------------------------------

    def myth(self, myth: model.Myth, variant: str) -> Question:
        statement, reality = self.text(myth.myth), self.text(myth.reality)
        if variant == "myth":
            answer, explanation = MYTH, f"A myth. The reality: {reality}"
        else:
            answer, explanation = FACT, f"A fact: the article's answer to the myth \"{statement}\""
            statement = reality
        return Question(
            id=f"{myth.id}#{variant}", record_id=myth.id, topic="myths", kind="myth-or-fact",
            prompt=f"Myth or fact? \"{statement}\"",
            options=(Option(MYTH, "myth"), Option(FACT, "fact")), answer=answer,
            explanation=explanation, read="binatsec myths")

    def figure(self, stat: model.Stat) -> Question:
        right = _amount(stat.value, stat)
        # Shown in random order: for "over X" the right figure is the smallest (see
        # figure_distractors), so sorted options would always put it first.
        texts = [right, *(text for _, text in figure_distractors(stat, self.rng))]
        self.rng.shuffle(texts)
        options = tuple(Option(LETTERS[i], text) for i, text in enumerate(texts))
        answer = LETTERS[texts.index(right)]
        when = stat.when_text(self.language)
        subject = self.text(stat.label) + (f" ({when})" if when else "")
        return Question(
            id=f"{stat.id}#figure", record_id=stat.id, topic="stats", kind="figure",
            prompt=f"{subject}: which figure does the article give?", options=options,
            answer=answer, explanation=_full_stop(figures.sentence(stat, self.language)),
            credit=self.credit(stat),
            read=f"binatsec stats {stat.category}")

    def pillar(self, pillar: model.Pillar, variant: str) -> Question:
        pillars = list(self.corpus.pillars)
        if len(pillars) > MAX_OPTIONS:
            # A user's folder may hold more pillars than answers fit on a screen (or letters
            # in LETTERS): the right one and a sample of the others.
            others = [p for p in pillars if p.id != pillar.id]
            pillars = [pillar, *self.rng.sample(others, MAX_OPTIONS - 1)]
        pillars.sort(key=lambda p: p.number)
        options = tuple(Option(LETTERS[i], self.text(p.name)) for i, p in enumerate(pillars))
        answer = options[pillars.index(pillar)].key
        if variant == "example":
            prompt = f"Which pillar does this example belong to? \"{self.text(pillar.example)}\""
        else:
            prompt = f"Which pillar is this? \"{self.text(pillar.summary)}\""
        shown = self.text(pillar.summary if variant == "example" else pillar.example)
        label = "Example" if variant == "summary" else "In short"
        return Question(
            id=f"{pillar.id}#{variant}", record_id=pillar.id, topic="pillars", kind="pillar",
            prompt=prompt, options=options, answer=answer,
            explanation=f"Pillar {pillar.number}, {self.text(pillar.name)}. {label}: {shown}",
            credit=self.credit(pillar),
            read=f"binatsec pillars {pillar.number}")

    def faq(self, entry: model.FaqEntry) -> Question:
        others = [e for e in self.corpus.faq if e.id != entry.id
                  and self.text(e.answer) != self.text(entry.answer)]
        chosen = [entry, *self.rng.sample(others, min(MAX_OPTIONS - 1, len(others)))]
        self.rng.shuffle(chosen)
        options = tuple(Option(LETTERS[i], self.text(e.answer)) for i, e in enumerate(chosen))
        linked = figures_for(self.corpus, entry.id, entry.related)
        explanation = self.text(entry.answer)
        if linked:
            explanation += " " + _full_stop(figures.sentence(linked[0], self.language))
        return Question(
            id=f"{entry.id}#answer", record_id=entry.id, topic="faq", kind="faq-answer",
            prompt=f"Which answer matches this question? \"{self.text(entry.question)}\"",
            options=options, answer=LETTERS[chosen.index(entry)], explanation=explanation,
            read=f"binatsec faq {entry.id.removeprefix('faq.')}")

    def _dated(self) -> list[model.TimelineEvent]:
        return [e for e in self.corpus.timeline if e.dated]

    def _other_dates(self, event: model.TimelineEvent) -> list[str]:
        """Dates of other events that don't overlap this one, as the content writes them."""
        own = event.when_text(self.language)
        first, last = _span(event)
        dates = [e.when_text(self.language) for e in self._dated()
                 if _span(e)[1] < first or _span(e)[0] > last]
        return [d for d in dict.fromkeys(dates) if d != own]

    def _later(self, event: model.TimelineEvent) -> list[model.TimelineEvent]:
        last = _span(event)[1]
        later = [e for e in self._dated() if _span(e)[0] > last]
        title = self.text(event.title)
        unique = {self.text(e.title): e for e in later if self.text(e.title) != title}
        return list(unique.values())

    def which_year(self, event: model.TimelineEvent) -> Question:
        right = event.when_text(self.language)
        first = _span(event)[0]
        if event.end_year is None:
            # A single year: the wrong options are nearby years, never the event's own.
            years = [first + d for d in YEAR_OFFSETS]
            wrong = [str(y) for y in self.rng.sample(years, MAX_OPTIONS - 1)]
            dates = sorted([right, *wrong])
        else:
            pool = self._other_dates(event)
            wrong = self.rng.sample(pool, min(MAX_OPTIONS - 1, len(pool)))
            by_date = {e.when_text(self.language): _span(e)[0] for e in self._dated()}
            dates = sorted([right, *wrong], key=lambda d: (by_date.get(d, 0), d))
        options = tuple(Option(LETTERS[i], d) for i, d in enumerate(dates))
        return Question(
            id=f"{event.id}#year", record_id=event.id, topic="timeline", kind="which-year",
            prompt=f"When was this? \"{self.text(event.title)}\"", options=options,
            answer=LETTERS[dates.index(right)],
            explanation=f"{right}: {self.text(event.summary)}", read=self._read(event))

    def which_first(self, event: model.TimelineEvent) -> Question:
        later = self._later(event)
        wrong = self.rng.sample(later, min(MAX_OPTIONS - 2, len(later)))
        chosen = [event, *wrong]
        self.rng.shuffle(chosen)
        options = tuple(Option(LETTERS[i], self.text(e.title)) for i, e in enumerate(chosen))
        after = ", ".join(f"{self.text(e.title)} ({e.when_text(self.language)})"
                          for e in sorted(wrong, key=lambda e: _span(e)[0]))
        return Question(
            id=f"{event.id}#first", record_id=event.id, topic="timeline", kind="which-first",
            prompt="Which came first?", options=options, answer=LETTERS[chosen.index(event)],
            explanation=f"{self.text(event.title)} ({event.when_text(self.language)}) came "
            f"before {after}.", read=self._read(event))

    def _read(self, event: model.TimelineEvent) -> str:
        first, last = _span(event)
        return f"binatsec timeline --from {first} --to {last}"
