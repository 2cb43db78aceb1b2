"""The questions binatsec asks, one maker per kind of question. Pure.

Each maker takes the records of one kind of content (quiz/topics.py says which) and draws
every random choice from `Asking.rng`, in a fixed order: changing that order changes what
an existing seed replays.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from binatsec import figures
from binatsec.corpus import records as model
from binatsec.corpus.records import DEFAULT_LANGUAGE
from binatsec.i18n import _ as tr
from binatsec.queries import attribution_text, figures_for, source_of
from binatsec.quiz.questions import FACT, LETTERS, MAX_OPTIONS, MYTH, Asking, Maker, Option, Posed

if TYPE_CHECKING:
    import random

# Wrong figures come from a ladder around the right one: each rung the last times a ratio
# drawn from RATIO_RANGE, rounded as the article rounds (see _round_like). The right answer
# takes a random rung of the window, so neither its place, its rank nor the ratios give it
# away. A percentage steps by a drawn amount instead (PERCENT_STEP), staying between 0 and 100.
RATIO_RANGE = (1.4, 1.7)
PERCENT_STEP = (7.0, 15.0)
NICE_MANTISSAS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)
# A hedged figure ("over X", "about X", "nearly X") is loose: a wrong option closer than this
# share of X could be read as the same figure.
APART = 0.1
LADDER_TRIES = 30
# Wrong years are up to YEAR_STEPS steps (a span's length plus one) before or after the
# event's, never past YEARS_AFTER years after the latest event the content dates.
YEAR_STEPS = 6
YEARS_AFTER = 3
# The FAQ's wrong answers: at least this many share as many words with the question as the
# right answer does, where the content has them, so word overlap does not point at it.
RIVALS = 2
# Words too common to tie an answer to a question.
_COMMON_WORDS = frozenset(
    "a an and are as at be by do does for from has have how in is it its of on or that the "
    "their these this to was what which who why with".split())


def _full_stop(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."


# --- myths ------------------------------------------------------------------------------------


class MythOrFact(Maker[model.Myth]):
    """Myth or fact? The myth itself, or its fact: a true statement of the same length and
    tone, which stands alone (the `reality` replies to the myth, so it is the explanation)."""

    kind = "myth-or-fact"
    asks = "is the statement a myth or a fact"
    variants = ("myth", "reality")  # "reality": the true side, asked as the record's `fact`
    multiple_choice = False

    def ask(self, record: model.Myth, variant: str, asking: Asking) -> Posed:
        myth, reality = asking.text(record.myth), asking.text(record.reality)
        if variant == "myth":
            statement, answer = myth, MYTH
            explanation = tr("A myth. The reality: {reality}").format(reality=reality)
        else:
            statement, answer = asking.text(record.fact), FACT
            explanation = tr("A fact. The myth it answers: \"{myth}\" The reality: "
                             "{reality}").format(myth=myth, reality=reality)
        return Posed(
            prompt=tr("Myth or fact? \"{statement}\"").format(statement=statement),
            options=(Option(MYTH, tr("myth")), Option(FACT, tr("fact"))), answer=answer,
            explanation=explanation, read="binatsec myths")


# --- the FAQ ------------------------------------------------------------------------------------


class FaqAnswer(Maker[model.FaqEntry]):
    """Which answer matches this question? The other options are other entries' answers."""

    kind = "faq-answer"
    asks = "which answer matches a question"
    variants = ("answer",)
    repeats_answer = True

    def askable(self, record: model.FaqEntry, asking: Asking) -> tuple[str, ...]:
        return self.variants if self._others(record, asking) else ()

    def ask(self, record: model.FaqEntry, variant: str, asking: Asking) -> Posed:
        others = self._others(record, asking)
        wanted = min(MAX_OPTIONS - 1, len(others))
        # Wrong answers that share as many words with the question as the right one does
        # come first (RIVALS of them), so "the answer that echoes the question" is no tell.
        question = _words(asking.text(record.question))
        right = len(question & _words(asking.text(record.answer)))
        rivals = [e for e in others if len(question & _words(asking.text(e.answer))) >= right]
        picked = asking.rng.sample(rivals, min(RIVALS, len(rivals), wanted))
        rest = [e for e in others if e not in picked]
        chosen = [record, *picked, *asking.rng.sample(rest, wanted - len(picked))]
        asking.rng.shuffle(chosen)
        options = tuple(Option(LETTERS[i], asking.text(e.answer)) for i, e in enumerate(chosen))
        linked = figures_for(asking.corpus, record.id, record.related)
        explanation = asking.text(record.answer)
        if linked:
            explanation += " " + _full_stop(figures.sentence(linked[0], asking.language))
        return Posed(
            prompt=tr("Which answer matches this question? \"{question}\"").format(
                question=asking.text(record.question)),
            options=options, answer=LETTERS[chosen.index(record)], explanation=explanation,
            read=f"binatsec faq {record.id.removeprefix('faq.')}")

    @staticmethod
    def _others(record: model.FaqEntry, asking: Asking) -> list[model.FaqEntry]:
        """Entries whose answer may be offered as wrong: another answer, tied by no link."""
        answer = asking.text(record.answer)
        return asking.distractors(record, [e for e in asking.corpus.faq
                                           if asking.text(e.answer) != answer])


def _words(text: str) -> set[str]:
    """The words of `text` that could tie an answer to a question, in lower case."""
    return {word for word in re.findall(r"[a-z0-9]+", text.casefold())
            if word not in _COMMON_WORDS}


# --- figures ------------------------------------------------------------------------------------


class WhichFigure(Maker[model.Stat]):
    """Which figure does the article give? Wrong options keep the unit, scale and qualifier."""

    kind = "figure"
    asks = "which figure the article gives"
    variants = ("figure",)

    def ask(self, record: model.Stat, variant: str, asking: Asking) -> Posed:
        right = _amount(record.value, record, asking.language)
        # Shown in random order, as the options' sizes are (the right one takes any rank).
        # The wrong figures are drawn the same in every language (so a seed replays them);
        # only their wording follows the run's language.
        texts = [right, *(_amount(value, record, asking.language)
                          for value, _ in figure_distractors(record, asking.rng))]
        asking.rng.shuffle(texts)
        options = tuple(Option(LETTERS[i], text) for i, text in enumerate(texts))
        when = record.when_text(asking.language)
        subject = asking.text(record.label) + (f" ({when})" if when else "")
        # A figure always says who the article credits, even when it names no one.
        return Posed(
            prompt=tr("{subject}: which figure does the article give?").format(
                subject=subject), options=options,
            answer=LETTERS[texts.index(right)],
            explanation=_full_stop(figures.sentence(record, asking.language)),
            credit=attribution_text(source_of(record, asking.corpus), asking.language),
            read=f"binatsec stats {record.category}")


def _amount(value: float, stat: model.Stat, language: str = DEFAULT_LANGUAGE) -> str:
    return figures.hedged(value, stat.unit, stat.qualifier, language)


def figure_distractors(stat: model.Stat, rng: random.Random,
                       wanted: int = MAX_OPTIONS - 1) -> list[tuple[float, str]]:
    """Wrong but plausible figures, smallest first: same unit, scale and qualifier, all
    distinct, and none that could be read as the article's figure.

    They are rungs of a ladder around the right figure, which takes a random rung of the
    window (see RATIO_RANGE), so neither its rank nor the ratios between options give it
    away, whatever its qualifier: the question asks which figure the article gives, so "over
    400" is wrong when the article says "over 800". A hedged figure ("over X", "about X",
    "nearly X") gets no wrong option within APART of X.
    """
    ranks = list(range(wanted + 1))
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
    """Whether "<qualifier> `value`" could be read as the article's figure: the same words,
    or, for a hedged figure (over, about, nearly), within APART of it. True, False, or None
    when `value` is out of range."""
    if value <= 0 or (stat.unit == "percent" and value >= 100):
        return None
    if _amount(value, stat) == _amount(stat.value, stat):
        return True
    if stat.qualifier in ("over", "about", "nearly"):
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


# --- the timeline ---------------------------------------------------------------------------
# Only events with a date to ask about are asked about, or offered: not an undated period,
# nor an event the article describes as ongoing (`ongoing`: dated by one instance of it, so
# "when" and "which came first" would claim what the article never says).


class WhichYear(Maker[model.TimelineEvent]):
    """When was this? The other options are nearby years, or spans as long as the event's."""

    kind = "which-year"
    asks = "when an event happened"
    variants = ("year",)

    def askable(self, record: model.TimelineEvent, asking: Asking) -> tuple[str, ...]:
        return self.variants if _datable(record) else ()

    def ask(self, record: model.TimelineEvent, variant: str, asking: Asking) -> Posed:
        right = record.when_text(asking.language)
        first, last = _span(record)
        step = last - first + 1  # a span's wrong options never overlap it
        latest = max(_span(e)[1] for e in _dated(asking)) + YEARS_AFTER
        before = [-k * step for k in range(1, YEAR_STEPS + 1)]
        after = [k * step for k in range(1, YEAR_STEPS + 1) if last + k * step <= latest]
        rank = asking.rng.choice(_ranks(len(before), len(after), MAX_OPTIONS - 1))
        shifts = [*asking.rng.sample(before, rank),
                  *asking.rng.sample(after, MAX_OPTIONS - 1 - rank)]
        dates = [_date_text(first + shift, last + shift) for shift in sorted(shifts)]
        dates.insert(rank, right)  # in time order, the right one at its drawn rank
        options = tuple(Option(LETTERS[i], d) for i, d in enumerate(dates))
        return Posed(
            prompt=tr("When was this? \"{title}\"").format(title=asking.text(record.title)),
            options=options,
            answer=LETTERS[rank],
            explanation=f"{right}: {asking.text(record.summary)}", read=_read(record))


def _ranks(below: int, above: int, wanted: int) -> list[int]:
    """The places (from 0, in time order) the right date may take among `wanted` wrong ones,
    `below` of them possible before it and `above` after: every place either side can fill,
    but those that take every date one side has (the only dates after 2021, say) when there
    are others, as a run of consecutive dates would show where the right one is."""
    fits = [rank for rank in range(wanted + 1) if rank <= below and wanted - rank <= above]
    free = [rank for rank in fits
            if (rank == 0 or rank < below) and (rank == wanted or wanted - rank < above)]
    return free or fits


def _date_text(first: int, last: int) -> str:
    """A date as the timeline writes one: a year, or a span."""
    return str(first) if first == last else f"{first}–{last}"


class WhichFirst(Maker[model.TimelineEvent]):
    """Which came first? The event and later ones that do not overlap it."""

    kind = "which-first"
    asks = "which event came first"
    variants = ("first",)

    def askable(self, record: model.TimelineEvent, asking: Asking) -> tuple[str, ...]:
        return self.variants if _datable(record) and _later(record, asking) else ()

    def ask(self, record: model.TimelineEvent, variant: str, asking: Asking) -> Posed:
        later = _later(record, asking)
        wanted = min(MAX_OPTIONS - 2, len(later))
        # One wrong option, where there is one, whose title is no longer than the right
        # one's: the earliest events tend to have the shortest names.
        length = len(asking.text(record.title))
        shorter = [e for e in later if len(asking.text(e.title)) <= length]
        wrong = asking.rng.sample(shorter, min(1, len(shorter), wanted))
        wrong += asking.rng.sample([e for e in later if e not in wrong], wanted - len(wrong))
        chosen = [record, *wrong]
        asking.rng.shuffle(chosen)
        options = tuple(Option(LETTERS[i], asking.text(e.title)) for i, e in enumerate(chosen))
        after = ", ".join(f"{asking.text(e.title)} ({e.when_text(asking.language)})"
                          for e in sorted(wrong, key=lambda e: _span(e)[0]))
        return Posed(
            prompt=tr("Which came first?"), options=options, answer=LETTERS[chosen.index(record)],
            explanation=tr("{title} ({when}) came before {after}.").format(
                title=asking.text(record.title), when=record.when_text(asking.language),
                after=after), read=_read(record))


def _span(event: model.TimelineEvent) -> tuple[int, int]:
    """A dated event's first and last year."""
    first = event.year if event.year is not None else 0
    return first, event.end_year if event.end_year is not None else first


def _datable(event: model.TimelineEvent) -> bool:
    """Whether a date question may ask about the event, or offer it: dated, not ongoing."""
    return event.dated and not event.ongoing


def _dated(asking: Asking) -> list[model.TimelineEvent]:
    return [e for e in asking.corpus.timeline if _datable(e)]


def _later(event: model.TimelineEvent, asking: Asking) -> list[model.TimelineEvent]:
    """Events that began after this one ended, with titles of their own, tied to it by no
    link (a linked event may be read as part of it)."""
    last = _span(event)[1]
    later = asking.distractors(event, [e for e in _dated(asking) if _span(e)[0] > last])
    title = asking.text(event.title)
    unique = {asking.text(e.title): e for e in later if asking.text(e.title) != title}
    return list(unique.values())


def _read(event: model.TimelineEvent) -> str:
    first, last = _span(event)
    return f"binatsec timeline --from {first} --to {last}"


# --- pillars ------------------------------------------------------------------------------------


class WhichPillar(Maker[model.Pillar]):
    """Which pillar is this? Asked with its example, or with its summary."""

    kind = "pillar"
    asks = "which pillar a practice belongs to"
    variants = ("example", "summary")

    def askable(self, record: model.Pillar, asking: Asking) -> tuple[str, ...]:
        return self.variants if asking.distractors(record, asking.corpus.pillars) else ()

    def ask(self, record: model.Pillar, variant: str, asking: Asking) -> Posed:
        others = asking.distractors(record, asking.corpus.pillars)
        if len(others) > MAX_OPTIONS - 1:
            # A user's folder may hold more pillars than answers fit on a screen (or letters
            # in LETTERS): the right one and a sample of the others.
            others = asking.rng.sample(others, MAX_OPTIONS - 1)
        pillars = sorted([record, *others], key=lambda p: p.number)
        options = tuple(Option(LETTERS[i], asking.text(p.name)) for i, p in enumerate(pillars))
        if variant == "example":
            prompt = tr("Which pillar does this example belong to? \"{example}\"").format(
                example=asking.text(record.example))
        else:
            prompt = tr("Which pillar is this? \"{summary}\"").format(
                summary=asking.text(record.summary))
        shown = asking.text(record.summary if variant == "example" else record.example)
        label = tr("Example") if variant == "summary" else tr("In short")
        # The credit is the four-part model's, not its example's (whose figure has its own).
        source = source_of(record, asking.corpus)
        credit = (tr("the four pillars are the {source}'s, as cited in the article").format(
                      source=source.name.get(asking.language))
                  if source is not None else "")
        return Posed(
            prompt=prompt, options=options, answer=options[pillars.index(record)].key,
            explanation=tr("Pillar {number}, {name}. {label}: {shown}").format(
                number=record.number, name=asking.text(record.name), label=label, shown=shown),
            credit=credit, read=f"binatsec pillars {record.number}")
