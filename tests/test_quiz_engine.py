"""The pure quiz engine: seeded generation, answer parsing, scoring and distractors."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from binatsec import figures
from binatsec.corpus.records import QUALIFIERS, Corpus, Stat, Text
from binatsec.quiz import engine as quiz
from binatsec.quiz.engine import ALL, TOPICS, ListedAnswers, Question


def _ids(questions: list[Question]) -> list[str]:
    return [q.id for q in questions]


# --- generation -----------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_questions(corpus: Corpus) -> None:
    first = quiz.build(corpus, ALL, 20, random.Random(42))
    again = quiz.build(corpus, ALL, 20, random.Random(42))
    assert first == again
    other = quiz.build(corpus, ALL, 20, random.Random(43))
    assert first != other


@pytest.mark.parametrize("topic", TOPICS)
def test_every_record_of_every_topic_can_be_asked_every_way(corpus: Corpus, topic: str) -> None:
    records = [r for r in quiz.records_for(corpus, topic)  # type: ignore[arg-type]
               if getattr(r, "dated", True)]  # the article gives no date to ask about
    assert records
    for record in records:
        kinds = quiz.variants(corpus, record.id)
        assert kinds, f"{record.id} cannot be asked"
        for variant in kinds:
            for seed in range(5):
                question = quiz.question_for(corpus, f"{record.id}#{variant}",
                                             random.Random(seed))
                assert question is not None
                assert question.id == f"{record.id}#{variant}"
                assert question.topic == topic
                keys = [o.key for o in question.options]
                texts = [o.text for o in question.options]
                assert question.answer in keys
                assert len(set(keys)) == len(keys) and len(set(texts)) == len(texts)
                assert len(question.options) >= 2
                assert question.prompt and question.explanation and question.read


@pytest.mark.parametrize("topic", TOPICS)
def test_a_full_quiz_on_a_topic_asks_each_record_once(corpus: Corpus, topic: str) -> None:
    records = [r for r in quiz.records_for(corpus, topic)  # type: ignore[arg-type]
               if getattr(r, "dated", True)]
    questions = quiz.build(corpus, topic, 100, random.Random(1))
    assert sorted(q.record_id for q in questions) == sorted(r.id for r in records)


def test_an_undated_period_is_never_asked_as_a_date(corpus: Corpus) -> None:
    undated = [e for e in corpus.timeline if not e.dated]
    assert [e.id for e in undated] == ["event.rise-of-cartels"]
    assert quiz.variants(corpus, "event.rise-of-cartels") == ()
    for seed in range(20):
        for question in quiz.build(corpus, "timeline", 20, random.Random(seed)):
            assert "Moving into the 20th century" not in [o.text for o in question.options]


def test_count_limits_the_quiz_and_all_topics_take_turns(corpus: Corpus) -> None:
    questions = quiz.build(corpus, ALL, 5, random.Random(7))
    assert len(questions) == 5
    assert {q.topic for q in questions} == set(TOPICS)


def test_review_questions_come_first_in_their_order(corpus: Corpus) -> None:
    due = ["stat.merida-funding#figure", "gone.record#figure", "myth.border-unsecured#reality",
           "event.nafta#first"]
    questions = quiz.build(corpus, ALL, 4, random.Random(3), first=due)
    assert _ids(questions)[:3] == ["stat.merida-funding#figure",
                                   "myth.border-unsecured#reality", "event.nafta#first"]
    assert len({q.record_id for q in questions}) == 4
    on_myths = quiz.build(corpus, "myths", 3, random.Random(3), first=due)
    assert on_myths[0].id == "myth.border-unsecured#reality"
    assert all(q.topic == "myths" for q in on_myths)


def test_myth_statements_are_the_myth_or_its_reality(corpus: Corpus) -> None:
    myth = corpus.myths[0]
    as_myth = quiz.question_for(corpus, f"{myth.id}#myth", random.Random(0))
    as_fact = quiz.question_for(corpus, f"{myth.id}#reality", random.Random(0))
    assert as_myth is not None and as_fact is not None
    assert myth.myth.en in as_myth.prompt and as_myth.answer == "m"
    assert myth.reality.en in as_fact.prompt and as_fact.answer == "f"
    assert myth.reality.en in as_myth.explanation


def test_figure_questions_keep_the_qualifier_unit_and_scale(corpus: Corpus) -> None:
    for stat in corpus.stats:
        for seed in range(30):
            question = quiz.question_for(corpus, f"{stat.id}#figure", random.Random(seed))
            assert question is not None
            assert question.answer_text == figures.figure_text(stat)
            word = figures.QUALIFIER_WORDS[stat.qualifier]
            for option in question.options:
                assert option.text.startswith(word)
                if stat.unit == "usd":
                    assert "$" in option.text
                elif stat.unit == "percent":
                    assert option.text.endswith("%")
                elif stat.unit in ("kg", "lb"):
                    assert option.text.endswith(f" {stat.unit}")
            assert question.credit  # either the source or "names no source"


def _stat(value: float, unit: str, qualifier: str) -> Stat:
    return Stat(id="stat.test", category="test", label=Text("A figure"), what=Text("things"),
                value=value, unit=unit, qualifier=qualifier)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(st.integers(1, 10**12).map(float),
                       st.floats(0.01, 1e9, allow_nan=False, allow_infinity=False)),
       unit=st.sampled_from(["usd", "kg", "lb", "count"]),
       qualifier=st.sampled_from(QUALIFIERS), seed=st.integers(0, 2**32))
def test_distractors_are_distinct_plausible_and_never_the_answer(
        value: float, unit: str, qualifier: str, seed: int) -> None:
    stat = _stat(value, unit, qualifier)
    right = figures.figure_text(stat)
    wrong = quiz.figure_distractors(stat, random.Random(seed))
    texts = [text for _, text in wrong]
    assert len(wrong) == 3
    assert right not in texts
    assert len(set(texts)) == 3
    for amount, _ in wrong:
        assert amount > 0 and amount != value
        assert value / 5 <= amount <= value * 5 or abs(amount - value) <= 3


@settings(max_examples=100, deadline=None)
@given(value=st.integers(1, 99), seed=st.integers(0, 2**32))
def test_percent_distractors_stay_between_0_and_100(value: int, seed: int) -> None:
    stat = _stat(float(value), "percent", "exact")
    wrong = quiz.figure_distractors(stat, random.Random(seed))
    assert len(wrong) == 3
    assert all(0 < amount < 100 for amount, _ in wrong)
    assert f"{value}%" not in [text for _, text in wrong]


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 2**32))
def test_timeline_options_never_contain_a_second_right_answer(corpus: Corpus, seed: int) -> None:
    for event in corpus.timeline:
        for variant in quiz.variants(corpus, event.id):
            question = quiz.question_for(corpus, f"{event.id}#{variant}", random.Random(seed))
            assert question is not None
            wrong = [o.text for o in question.options if o.key != question.answer]
            if variant == "year":
                assert question.answer_text == event.when_text()
                assert event.when_text() not in wrong
                assert all(not w.isdigit() or not event.year <= int(w) <= event.last_year
                           for w in wrong)
            else:
                others = [e for e in corpus.timeline if e.title.en in wrong]
                assert others and all(e.year > event.last_year for e in others)


def test_pillar_and_faq_questions_point_at_their_record(corpus: Corpus) -> None:
    pillar = corpus.pillars[2]
    question = quiz.question_for(corpus, f"{pillar.id}#example", random.Random(0))
    assert question is not None
    assert pillar.example.en in question.prompt
    assert question.answer_text == pillar.name.en
    assert question.read == "binatsec pillars 3"
    entry = corpus.faq[0]
    asked = quiz.question_for(corpus, f"{entry.id}#answer", random.Random(0))
    assert asked is not None
    assert entry.question.en in asked.prompt and asked.answer_text == entry.answer.en
    assert asked.read == "binatsec faq merida-initiative"


# --- answers and scoring --------------------------------------------------------------------


@pytest.fixture
def two(corpus: Corpus) -> list[Question]:
    mc = quiz.question_for(corpus, "stat.merida-funding#figure", random.Random(0))
    tf = quiz.question_for(corpus, "myth.border-unsecured#myth", random.Random(0))
    assert mc is not None and tf is not None
    return [mc, tf]


def test_answers_by_letter_number_or_word(two: list[Question]) -> None:
    mc, tf = two
    assert [mc.parse(x) for x in ("a", "B", " 3 ", "4")] == ["a", "b", "c", "d"]
    assert [mc.parse(x) for x in ("e", "5", "0", "", "ab", "-1")] == [None] * 6
    assert [tf.parse(x) for x in ("m", "M", "myth", "Fact", "f")] == ["m", "m", "m", "f", "f"]
    assert [tf.parse(x) for x in ("a", "1", "mf", "")] == [None] * 4
    assert mc.hint() == "answer with a letter a-d or a number 1-4"
    assert tf.hint() == "answer m (myth) or f (fact)"


def test_invalid_answers_are_asked_again_and_not_counted(two: list[Question]) -> None:
    mc, tf = two
    source = ListedAnswers(["zz", mc.answer, "", "f"])
    seen: list[int] = []
    result = quiz.play(two, source, after_each=lambda _, number: seen.append(number))
    assert source.rejections == [(mc.id, "zz"), (tf.id, "")]
    assert (result.score, result.total, result.planned, result.complete) == (1, 2, 2, True)
    assert seen == [1, 2]
    assert [a.question.id for a in result.missed] == [tf.id]
    assert result.reading() == ["binatsec myths"]


def test_end_of_input_gives_a_partial_result(two: list[Question]) -> None:
    result = quiz.play(two, ListedAnswers([two[0].answer]))
    assert (result.score, result.total, result.planned, result.complete) == (1, 1, 2, False)
    empty = quiz.play(two, ListedAnswers([]))
    assert (empty.score, empty.total, empty.missed) == (0, 0, ())


def test_answers_given_up_front_are_checked(two: list[Question]) -> None:
    assert quiz.check_answers(two, ["2", "m"]) is None
    assert quiz.check_answers(two, ["b"]) is None
    assert quiz.check_answers(two, ["b", "x"]) == (
        "answer 2 'x' is not valid for question 2: answer m (myth) or f (fact)")
    assert quiz.check_answers(two, ["a", "m", "f"]) == "got 3 answers for 2 questions"


def test_the_engine_and_the_json_path_never_import_rich() -> None:
    code = ("import sys\n"
            "import binatsec.quiz.engine, binatsec.quiz.history, binatsec.cli.quiz\n"
            "print(sorted(m for m in sys.modules if m == 'rich' or m.startswith('rich.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
