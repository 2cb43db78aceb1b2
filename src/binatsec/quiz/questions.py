"""A question, and what a question maker is: the types the engine and the makers share. Pure.

A maker asks one kind of question about one kind of record (quiz/makers.py); a topic names
the makers it asks with (quiz/topics.py); the engine draws records and hands each to its
maker (quiz/engine.py).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

from binatsec.corpus import records as model
from binatsec.corpus.records import Corpus
from binatsec.frozen import Frozen
from binatsec.queries import typed_number

if TYPE_CHECKING:
    import random

LETTERS = "abcdefghij"
MYTH, FACT = "m", "f"
_WORDS = {"m": MYTH, "myth": MYTH, "f": FACT, "fact": FACT}
MAX_OPTIONS = 4


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
            return "answer m (myth) or f (fact)"
        last = len(self.options)
        return (f"answer with a letter a-{LETTERS[last - 1]}, a number 1-{last} or an "
                "option's text")

    def parse(self, raw: str) -> str | None:
        """The option key `raw` stands for, or None: a letter, a number, m/f or myth/fact,
        or an option's own text ("over $3 billion"), in any case and spacing, its thousands
        separators optional."""
        text = as_typed(raw)
        if not self.multiple_choice:
            return _WORDS.get(text)
        keys = [o.key for o in self.options]
        number = typed_number(text)
        if number is not None and 1 <= number <= len(keys):
            return keys[number - 1]
        if text in keys:
            return text
        return next((o.key for o in self.options if text and as_typed(o.text) == text), None)


_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


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

    def text(self, value: model.Text | None) -> str:
        return value.get(self.language) if value is not None else ""


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
