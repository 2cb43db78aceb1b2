"""A new quiz topic takes a question maker and a registry entry (docs/architecture.md, "Add a
quiz topic"), and the schema lines a test then asks for.

The topic below, on the areas of cooperation (a kind no topic asks about), exists only
here. Registered, it must be offered by `quiz --topic` (choices, help and the quiz's own
help), be played with scripted answers and inside `--topic all`, be kept in the history,
and print JSON that validates against the quiz schema as the registry would write it, all
without a line of binatsec changed. And adding it must not change what an existing seed
asks on the other topics.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from binatsec.cli import quiz_options
from binatsec.corpus.records import CooperationArea, Corpus
from binatsec.quiz import ALL, engine, topics
from binatsec.quiz.questions import LETTERS, Asking, Maker, Option, Posed
from binatsec.quiz.topics import QuizTopic
from conftest import ROOT, Run


class WhichArea(Maker[CooperationArea]):
    """Which area of cooperation is this example from?"""

    kind = "which-area"
    asks = "which area of cooperation an example comes from"
    variants = ("area",)

    def askable(self, record: CooperationArea, asking: Asking) -> tuple[str, ...]:
        return self.variants if len(asking.corpus.of("cooperation")) > 1 else ()

    def ask(self, record: CooperationArea, variant: str, asking: Asking) -> Posed:
        areas = list(asking.corpus.of("cooperation"))
        asking.rng.shuffle(areas)
        options = tuple(Option(LETTERS[i], asking.text(a.name)) for i, a in enumerate(areas))
        return Posed(
            prompt=f"Which area of cooperation is this example from? "
                   f"\"{asking.text(record.example)}\"",
            options=options, answer=LETTERS[areas.index(record)],
            explanation=f"{asking.text(record.name)}: {asking.text(record.summary)}",
            read="binatsec cooperation")


AREAS = QuizTopic("areas", "cooperation", label="areas of cooperation",
                  about="areas of cooperation", makers=(WhichArea(),))


@pytest.fixture
def areas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[QuizTopic]:
    """The areas topic registered, and a history of this test's own."""
    monkeypatch.setenv("BINATSEC_DATA_DIR", str(tmp_path / "data"))
    with topics.registered(AREAS):
        yield AREAS


def _right_answers(corpus: Corpus, topic: str, count: int, seed: int) -> list[str]:
    return [q.answer for q in engine.build(corpus, topic, count, seed)]


# --- the recipe -------------------------------------------------------------------------------


def test_it_is_offered_by_topic_its_help_and_completion(areas: QuizTopic,
                                                        cli: Callable[..., Run]) -> None:
    shown = " ".join(cli("quiz", "--help").stdout.split())
    assert "|pillars|areas|all]" in shown
    assert "What to be asked about: myths, faq, stats, timeline, pillars, areas or all." in shown
    assert "Play a quiz on myths, the FAQ, figures, dates, pillars and areas of cooperation." \
        in shown
    assert "areas" in quiz_options.topics()


def test_it_is_played_with_scripted_answers(areas: QuizTopic, cli: Callable[..., Run],
                                            corpus: Corpus) -> None:
    right = _right_answers(corpus, "areas", 3, 4)
    played = cli("quiz", "--topic", "areas", "--count", "3", "--seed", "4",
                 "--answers", ",".join(right), "--no-save")
    assert played.exit_code == 0, played.stderr
    assert "Quiz: areas of cooperation  3 questions, seed 4" in played.stdout
    assert "Which area of cooperation is this example from?" in played.stdout
    assert "Score: 3 of 3" in played.stdout


def test_topic_all_takes_it_in_turn(areas: QuizTopic, corpus: Corpus) -> None:
    asked = engine.build(corpus, ALL, 100, 1)
    assert sorted(q.record_id for q in asked if q.topic == "areas") == sorted(
        r.id for r in corpus.of("cooperation"))


def _validator(name: str, defs: dict[str, Any] | None = None) -> Draft202012Validator:
    """A validator for one of the shipped schemas; `defs` replace quiz.schema.json's."""
    registry: Registry[Any] = Registry()
    for path in (ROOT / "schemas").glob("*.schema.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        if path.name == "quiz.schema.json" and defs is not None:
            schema["$defs"].update(defs)
        registry = registry.with_resource(
            schema["$id"], Resource.from_contents(schema, default_specification=DRAFT202012))
    return Draft202012Validator(registry.contents(f"https://binatsec.invalid/schemas/{name}"),
                                registry=registry)


def _errors(validator: Draft202012Validator, document: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(document)]


def test_its_json_and_history_validate_against_the_schemas_the_registry_writes(
        areas: QuizTopic, cli: Callable[..., Run], corpus: Corpus) -> None:
    """The shipped schemas with their topic and kind lists as the registry now writes them
    (topics.schema_defs(), which the recipe's schema step copies into the file) accept the
    new topic's documents; as shipped they refuse them, so that step is needed, and checked."""
    right = _right_answers(corpus, "areas", 2, 9)
    played = cli("quiz", "--topic", "areas", "--count", "2", "--seed", "9", "--json",
                 "--answers", ",".join(right))
    assert played.exit_code == 0, played.stderr
    document = played.json()
    assert [q["kind"] for q in document["questions"]] == ["which-area"] * 2
    assert document["saved"] is True
    history = cli("quiz", "history", "--json").json()
    assert [q["topic"] for q in history["quizzes"]] == ["areas"]

    written = topics.schema_defs()
    for name, shown in (("quiz.schema.json", document), ("quiz-history.schema.json", history)):
        assert _errors(_validator(name, written), shown) == [], name
        assert _errors(_validator(name), shown) != [], f"{name} as shipped accepts 'areas'"


# --- what a seed replays ----------------------------------------------------------------------


SEEDS = range(25)


def test_a_new_topic_leaves_every_seeds_questions_on_the_others_alone(corpus: Corpus) -> None:
    """Each topic draws from its own stream, and topics keep their order of turns: adding a
    topic changes no question a seed asks on another topic alone, and within --topic all
    only adds its own questions to the turns (so a quiz of N questions keeps a prefix of
    the others' questions)."""
    def asked(topic: str, count: int, seed: int) -> list[str]:
        return [q.id for q in engine.build(corpus, topic, count, seed)
                if q.topic != AREAS.name]

    existing = topics.names()
    before = {(topic, count, seed): asked(topic, count, seed)
              for topic in (*existing, ALL) for count in (3, 10, 1000) for seed in SEEDS}
    with topics.registered(AREAS):
        after = {key: asked(*key) for key in before}
    for (topic, count, seed), ids in before.items():
        if topic == ALL and count < 1000:
            assert after[topic, count, seed] == ids[:len(after[topic, count, seed])], seed
        else:
            assert after[topic, count, seed] == ids, (topic, count, seed)
