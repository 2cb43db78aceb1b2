"""A question, and what a question maker is: the types the engine and the makers share. Pure.

A maker asks one kind of question about one kind of record (quiz/makers.py); a topic names
the makers it asks with (quiz/topics.py); the engine draws records and hands each to its
maker (quiz/engine.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

from binatsec.corpus import records as model
from binatsec.corpus.records import Corpus, Record
from binatsec.figures import QUALIFIER_WORDS, QUALIFIER_WORDS_ES
from binatsec.frozen import Frozen
from binatsec.i18n import _ as tr
from binatsec.queries import typed_number

if TYPE_CHECKING:
    import random

LETTERS = "abcdefghij"
MYTH, FACT = "m", "f"
# English and Spanish: m/myth, mito; f/fact, h/hecho.
_WORDS = {"m": MYTH, "myth": MYTH, "mito": MYTH, "f": FACT, "fact": FACT, "h": FACT,
          "hecho": FACT}
MAX_OPTIONS = 4
Rec = TypeVar("Rec", bound=Record)


class Option(Frozen):
    key: str  # what the player types: a letter, or m/f
    text: str


class Question(Frozen):
    """One question, with everything needed to check it and to explain the answer."""

    id: str  # "<record id>#<variant>": stable across runs, used by the review schedule
    record_id: str
    topic: str  # the quiz topic that asked it (quiz/topics.py)
    kind: str  # what it asks: its maker's `kind` ("figure")
    prompt: str
    options: tuple[Option, ...]
    answer: str  # the key of the right option
    explanation: str
    credit: str = ""  # who the article credits for the fact, if anyone
    read: str = ""  # the command that shows the record
    multiple_choice: bool = True  # False: answered m (myth) or f (fact)
    repeats_answer: bool = False  # the explanation repeats the right option's whole text

    @property
    def answer_text(self) -> str:
        return self.option(self.answer).text

    def option(self, key: str) -> Option:
        return next(o for o in self.options if o.key == key)

    def hint(self) -> str:
        """How to answer this question, shown when an answer is not understood."""
        if not self.multiple_choice:
            return tr("answer m (myth) or f (fact)")
        last = len(self.options)
        return tr("answer with a letter a-{letter}, a number 1-{last} or an option's text").format(
            letter=LETTERS[last - 1], last=last)

    def parse(self, raw: str) -> str | None:
        """The option key `raw` stands for, or None when it stands for none or for more than
        one: see `readings`."""
        found = self.readings(raw)
        return found[0] if len(found) == 1 else None

    def readings(self, raw: str) -> tuple[str, ...]:
        """Every option key `raw` could stand for, in any case and spacing, its thousands
        separators optional, by the first of these ways of answering that it matches:

        1. the option's key or number (m/f, myth/fact for myth or fact), as typed alone or
           as people write it in a list: "b", "b)", "(b)", "b.", "2)";
        2. the option's whole text ("over $3 billion");
        3. for a figure, the figure without its hedge or unit ("$3 billion", "3 billion";
           "29,000" or "29000" for "over 29,000").

        More than one key means `raw` is ambiguous, and `parse` takes it for no answer."""
        text = as_typed(raw)
        if not text:
            return ()
        bare = _unwrapped(text)
        if not self.multiple_choice:
            return (_WORDS[bare],) if bare in _WORDS else ()
        keys = [o.key for o in self.options]
        number = typed_number(bare)
        if number is not None and 1 <= number <= len(keys):
            return (keys[number - 1],)
        if bare in keys:
            return (bare,)
        whole = tuple(o.key for o in self.options if as_typed(o.text) == text)
        if whole:
            return whole
        return tuple(o.key for o in self.options if text in figure_forms(o.text))


_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
# A key or number as people write it in a list: "(b)", "b)", "b.", "b:".
_WRAPPED = re.compile(r"\(\s*([^()\s]+)\s*\)|([^()\s]+?)\s*[).:]")
# A figure as binatsec writes it (figures.hedged), once typed (as_typed), in English or in
# Spanish: its hedge ("over", "más de"), then a currency sign, the number (with its scale:
# "million", "millones") and a unit, percent sign or "de dólares".
_HEDGES = (*QUALIFIER_WORDS.values(), *QUALIFIER_WORDS_ES.values())
_FIGURE = re.compile(
    r"(?:(?:" + "|".join(re.escape(word) for word in _HEDGES if word) + r") )?"
    r"(\$?(\d+(?:\.\d+)?(?: million| billion| millón| millones)?)"
    r"(?:%| kg| lb| de dólares| dólares| dólar)?)")


def _unwrapped(text: str) -> str:
    """A key typed as people write one in a list ("(b)", "b)", "b.") as the key alone."""
    match = _WRAPPED.fullmatch(text)
    return next((group for group in match.groups() if group), text) if match else text


def figure_forms(text: str) -> tuple[str, ...]:
    """The shorter ways to type an option that is a figure, as typed (see `as_typed`): "over
    $3 billion" is also "$3 billion" and "3 billion"; none for an option that is no figure."""
    match = _FIGURE.fullmatch(as_typed(text))
    return tuple(dict.fromkeys(match.groups())) if match else ()


def as_typed(text: str) -> str:
    """Text as it is compared with what a person typed: spaces collapsed, case folded, and
    no thousands separators ("over 15000" is "over 15,000", and fits in --answers)."""
    return _THOUSANDS.sub("", " ".join(text.split()).casefold())


class Posed(Frozen):
    """A question as its maker writes it; the engine adds its id, topic and kind."""

    prompt: str
    options: tuple[Option, ...]
    answer: str
    explanation: str
    credit: str = ""
    read: str = ""


class Asking:
    """What a maker draws on in one quiz: the corpus, the topic's random stream (every random
    choice goes through it, so a seed replays) and the language."""

    def __init__(self, corpus: Corpus, rng: random.Random, language: str) -> None:
        self.corpus = corpus
        self.rng = rng
        self.language = language
        self._graph: _Links | None = None

    def text(self, value: model.Text | None) -> str:
        return value.get(self.language) if value is not None else ""

    def distractors(self, record: Rec, candidates: Iterable[Rec]) -> list[Rec]:
        """The candidates a question on `record` may offer as wrong options, in their order:
        never `record`, nor a record tied to it by a link (`tied`), which is likely to be
        partly true as well (faq.opposing-views against faq.challenges)."""
        return [c for c in candidates if c.id != record.id and not self.tied(record.id, c.id)]

    def tied(self, one: str, other: str) -> bool:
        """Whether two records are tied by the content's links (`related`, a figure's
        `supports`: any link field that lists records), in either direction: one links to
        the other; both link to a third; one links to a third that links to the other; or
        they share a figure. Two records that a third only lists (a summary passage naming
        every pillar) are not tied by that."""
        if self._graph is None:
            self._graph = _Links(self.corpus)
        graph = self._graph
        a_out, b_out = graph.out.get(one, set()), graph.out.get(other, set())
        a_in, b_in = graph.into.get(one, set()), graph.into.get(other, set())
        if other in a_out or one in b_out or a_out & (b_out | b_in) or a_in & b_out:
            return True
        return bool((a_out | a_in) & (b_out | b_in) & graph.figures)


class _Links:
    """The content's links as a graph: who links to whom (`out`), who is linked from whom
    (`into`), and which records are figures."""

    def __init__(self, corpus: Corpus) -> None:
        from binatsec.corpus import kinds

        self.out: dict[str, set[str]] = {}
        self.into: dict[str, set[str]] = {}
        self.figures: set[str] = set()
        for record in corpus.records():
            kind = kinds.of_record(record)
            if kind is None:
                continue
            if kind.layout == kinds.FIGURES:
                self.figures.add(record.id)
            for field in kind.links:
                value = getattr(record, field.name, None)
                for target in value if isinstance(value, tuple) else ():
                    self.out.setdefault(record.id, set()).add(target)
                    self.into.setdefault(target, set()).add(record.id)


RecordType = TypeVar("RecordType")


class Maker(Generic[RecordType]):
    """One kind of question about the records of one kind of content.

    A maker declares what it asks (`kind`, with a phrase for the JSON Schema) and the ways
    it asks it (`variants`, the end of each question id); `askable` says which of those a
    record allows, `ask` writes the question. It reads the records of its topic's kind only,
    so it takes them as their own type.
    """

    kind: ClassVar[str]  # the question's `kind` in JSON ("figure")
    asks: ClassVar[str]  # what it asks, for the schema ("which figure the article gives")
    variants: ClassVar[tuple[str, ...]]  # unique among the makers of one kind of content
    multiple_choice: ClassVar[bool] = True  # False: myth or fact
    repeats_answer: ClassVar[bool] = False  # see Question.repeats_answer

    def askable(self, record: RecordType, asking: Asking) -> tuple[str, ...]:
        """The variants this record can be asked as; none when it cannot be asked."""
        return self.variants

    def ask(self, record: RecordType, variant: str, asking: Asking) -> Posed:
        raise NotImplementedError
