"""The registry of quiz topics (quiz/topics.py) holds together, and what is written from it
agrees with it: the quiz JSON Schemas' lists of topics and kinds of question, and --topic's
choices and help. Counts and names come from the registry, never from this file."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from binatsec.corpus import kinds
from binatsec.quiz import ALL, topics
from binatsec.quiz.makers import MythOrFact
from binatsec.quiz.topics import QuizTopic
from conftest import ROOT, Run


def _schema(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(
        (ROOT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
    return document


def test_the_quiz_schema_lists_the_registrys_topics_and_kinds_of_question() -> None:
    defs = _schema("quiz")["$defs"]
    for name, expected in topics.schema_defs().items():
        assert defs[name] == expected, (
            f"schemas/quiz.schema.json's $defs/{name} differs from the registry of topics; "
            f"it should read:\n{json.dumps(expected, indent=2)}")
    assert defs["quiz_topic"]["anyOf"] == [{"$ref": "#/$defs/topic_name"}, {"const": ALL}]


def test_every_topic_in_the_schemas_is_read_from_the_registrys_lists() -> None:
    """No topic or kind enum is kept by hand elsewhere: each place refers to the defs above."""
    quiz, history = _schema("quiz"), _schema("quiz-history")
    for document in ("played", "printed"):  # a quiz played, and one printed (--print)
        assert quiz["$defs"][document]["properties"]["topic"]["$ref"] == "#/$defs/quiz_topic"
    for question in ("answered_question", "printed_question"):
        properties = quiz["$defs"][question]["properties"]
        assert properties["topic"] == {"$ref": "#/$defs/topic_name"}
        assert properties["kind"] == {"$ref": "#/$defs/question_kind"}
    assert history["$defs"]["quiz"]["properties"]["topic"] == {
        "$ref": "quiz.schema.json#/$defs/quiz_topic"}


def test_the_registry_holds_together() -> None:
    every = topics.all_topics()
    assert every and topics.problems(every) == []
    for topic in every:
        kind = kinds.get(topic.kind)
        assert kind is not None and kind.is_section, topic.name
        assert topic.label and topic.about, topic.name
        for maker in topic.makers:
            assert maker.kind and maker.asks and maker.variants, type(maker).__name__


def test_a_topic_cannot_take_a_name_or_a_question_id_already_taken() -> None:
    myths = topics.get("myths")
    assert myths is not None
    with pytest.raises(ValueError, match="the topic name 'myths' is taken"), \
            topics.registered(myths._replace(kind="faq")):
        pass
    with pytest.raises(ValueError, match="the topic name 'all' is taken"), \
            topics.registered(myths._replace(name=ALL)):
        pass
    # A second topic on myths asking "#myth" would make ids two makers answer to.
    with pytest.raises(ValueError, match="both ask 'myths' records as '#myth'"), \
            topics.registered(QuizTopic("myths-again", "myths", "myths", "myths",
                                        (MythOrFact(),))):
        pass
    assert topics.all_topics() == topics.TOPICS


def test_topic_choices_and_help_come_from_the_registry(cli: Callable[..., Run]) -> None:
    shown = " ".join(cli("quiz", "--help").stdout.split())
    names = [*topics.names(), ALL]
    assert f"--topic [{'|'.join(names)}]" in shown
    assert f"What to be asked about: {', '.join(names[:-1])} or {ALL}." in shown
    abouts = [topic.about for topic in topics.all_topics()]
    assert f"Play a quiz on {', '.join(abouts[:-1])} and {abouts[-1]}." in shown
    unknown = cli("quiz", "--topic", "nonsense", "--answers", "a")
    assert unknown.exit_code == 2
    assert all(name in unknown.stderr for name in names)
