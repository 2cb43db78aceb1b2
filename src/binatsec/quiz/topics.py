"""The quiz topics, declared once: what each asks about, and with which question makers.

`--topic`'s choices and help, the `quiz` command's help, the engine, the history's topics
and the quiz JSON Schema's topic and question-kind lists (`schema_defs`, which a test keeps
schemas/quiz.schema.json equal to) all read this registry. A topic asks about one kind of
content (corpus/kinds.py); a kind may have several topics, as long as each question id
(`<record id>#<variant>`) still names one maker. Imported only on the quiz's paths: the
makers import the figures and look-ups they ask about.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from binatsec.corpus import kinds
from binatsec.frozen import Frozen
from binatsec.i18n import N_
from binatsec.i18n import _ as tr
from binatsec.quiz import ALL
from binatsec.quiz.makers import (
    FaqAnswer,
    MythOrFact,
    WhichFigure,
    WhichFirst,
    WhichPillar,
    WhichYear,
)
from binatsec.quiz.questions import Maker
from binatsec.registry import extended


class QuizTopic(Frozen):
    name: str  # what --topic takes; the topic in JSON and in the history
    kind: str  # the kind of content it asks about: `corpus.of(kind)`
    label: str  # how a quiz names it on screen ("figures")
    about: str  # how the quiz's help names it ("the FAQ", "dates")
    makers: tuple[Maker[Any], ...]  # a record's variants are listed in this order

    def owns(self, variant: str) -> bool:
        return any(variant in maker.variants for maker in self.makers)


# In the order topics take turns in a quiz on all of them, and are listed in help.
TOPICS: tuple[QuizTopic, ...] = (
    QuizTopic("myths", "myths", label=N_("myths"), about=N_("myths"), makers=(MythOrFact(),)),
    QuizTopic("faq", "faq", label=N_("FAQ"), about=N_("the FAQ"), makers=(FaqAnswer(),)),
    QuizTopic("stats", "stats", label=N_("figures"), about=N_("figures"),
              makers=(WhichFigure(),)),
    QuizTopic("timeline", "timeline", label=N_("timeline"), about=N_("dates"),
              makers=(WhichYear(), WhichFirst())),
    QuizTopic("pillars", "pillars", label=N_("pillars"), about=N_("pillars"),
              makers=(WhichPillar(),)),
)

_registry: list[QuizTopic] = list(TOPICS)


def all_topics() -> tuple[QuizTopic, ...]:
    return tuple(_registry)


def names() -> tuple[str, ...]:
    return tuple(topic.name for topic in _registry)


def get(name: str) -> QuizTopic | None:
    return next((topic for topic in _registry if topic.name == name), None)


def label(name: str) -> str:
    """How a quiz names a topic on screen ("figures"); an unknown one by its name."""
    topic = get(name)
    return tr(topic.label) if topic is not None else name


def makers() -> tuple[Maker[Any], ...]:
    """Every maker, once, in the order topics list them: the kinds of question there are."""
    found: dict[str, Maker[Any]] = {}
    for topic in _registry:
        for maker in topic.makers:
            found.setdefault(maker.kind, maker)
    return tuple(found.values())


def about_record(record_id: str) -> tuple[QuizTopic, ...]:
    """The topics that ask about this record's kind of content."""
    kind = kinds.of_prefix(record_id.split(".", 1)[0])
    return tuple(topic for topic in _registry if kind is not None and topic.kind == kind.name)


def of_question(question_id: str) -> QuizTopic | None:
    """The topic that asks a question, by its record's kind and its variant; for a variant
    no maker knows (a stale id in the history), the first topic on that kind."""
    record_id, _, variant = question_id.partition("#")
    on_kind = about_record(record_id)
    return next((topic for topic in on_kind if topic.owns(variant)),
                on_kind[0] if on_kind else None)


def problems(topics: Sequence[QuizTopic]) -> list[str]:
    """Why these topics cannot be registered together; none when they can."""
    found: list[str] = []
    seen_names: set[str] = set()
    seen_variants: dict[tuple[str, str], str] = {}
    seen_kinds: dict[str, type[Maker[Any]]] = {}
    for topic in topics:
        if topic.name in seen_names or topic.name == ALL:
            found.append(f"the topic name '{topic.name}' is taken")
        seen_names.add(topic.name)
        if kinds.get(topic.kind) is None:
            found.append(f"topic '{topic.name}' asks about '{topic.kind}', no kind of content")
        if not topic.makers:
            found.append(f"topic '{topic.name}' has no question maker")
        for maker in topic.makers:
            if seen_kinds.setdefault(maker.kind, type(maker)) is not type(maker):
                found.append(f"two makers ask questions of kind '{maker.kind}'")
            for variant in maker.variants:
                other = seen_variants.setdefault((topic.kind, variant), topic.name)
                if other != topic.name:
                    found.append(f"topics '{other}' and '{topic.name}' both ask "
                                 f"'{topic.kind}' records as '#{variant}'")
    return found


@contextmanager
def registered(*extra: QuizTopic) -> Iterator[None]:
    """The registry with `extra` topics added, for as long as the block runs (tests, plugins).
    ValueError when a topic's name, or a question id it would make, is taken already."""
    wrong = problems([*_registry, *extra])
    if wrong:
        raise ValueError("; ".join(wrong))
    with extended(_registry, extra):
        yield


def schema_defs() -> dict[str, Any]:
    """The `$defs` schemas/quiz.schema.json holds for topics and kinds of question, as this
    registry declares them (a test keeps the file equal to them)."""
    return {
        "topic_name": {
            "description": "A quiz topic, as --topic takes it.",
            "enum": list(names()),
        },
        "question_kind": {
            "description": "What a question asks.",
            "oneOf": [{"const": maker.kind, "description": maker.asks} for maker in makers()],
        },
    }
