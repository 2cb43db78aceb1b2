"""Answers as people type them (issue 16): a key or number alone or as in a list ("b)",
"(b)"), an option's text, or a figure without its hedge ("29,000" for "over 29,000"); and
nothing that could stand for two options is taken for either."""

from __future__ import annotations

import random
import re
import string

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from binatsec import figures
from binatsec.corpus.records import QUALIFIERS, Corpus
from binatsec.quiz import engine as quiz
from binatsec.quiz.questions import FACT, LETTERS, MAX_OPTIONS, MYTH, Option, Question, as_typed

UNITS = ("usd", "kg", "lb", "count", "percent")


def _question(texts: list[str], answer: int = 0, multiple_choice: bool = True,
              values: tuple[float, ...] = (), unit: str = "") -> Question:
    options = tuple(Option(LETTERS[i], text) for i, text in enumerate(texts))
    return Question(id="stat.test#figure", record_id="stat.test", topic="stats", kind="figure",
                    prompt="Which?", options=options, answer=options[answer].key,
                    explanation="Because.", multiple_choice=multiple_choice)


# --- what the tests take each option's shapes to be (independently of the parser) ----------


def _key_shapes(key: str, number: int) -> set[str]:
    return {shape for item in (key, str(number))
            for shape in (item, f"{item})", f"({item})", f"{item}.")}


def _unwrapped(typed: str) -> str:
    """A key written as in a list, bare: "(b)" and "b)" are "b"."""
    if typed.startswith("(") and typed.endswith(")"):
        inner = typed[1:-1].strip()
    elif typed.endswith((")", ".", ":")):
        inner = typed[:-1].rstrip()
    else:
        return typed
    return inner if inner and not any(c in inner for c in "() \t") else typed


def _figure_shapes(value: float, unit: str) -> set[str]:
    """A figure's shorter forms: its amount ("$3 billion", "10,000 kg") and its number."""
    return {as_typed(figures.format_amount(value, unit)), as_typed(figures.format_number(value))}


def expected(question: Question, raw: str, shapes: dict[str, set[str]]) -> str | None:
    """The option `raw` stands for, by the documented order (a key or number first, then an
    option's whole text, then a figure's shorter forms), or None when it stands for none or
    for two options at the same step."""
    typed = as_typed(raw)
    bare = _unwrapped(typed)
    keys = [o.key for o in question.options]
    if bare.isascii() and bare.isdigit() and len(bare) <= 6:
        number = int(bare)
        if 1 <= number <= len(keys):
            return keys[number - 1]
    steps = [{bare} & set(keys),
             {o.key for o in question.options if as_typed(o.text) == typed},
             {key for key, forms in shapes.items() if typed in forms}]
    found = next((step for step in steps if step), set())
    return found.pop() if len(found) == 1 else None


# --- strategies -----------------------------------------------------------------------------

WORDS = st.text(alphabet=string.ascii_letters + " -'", min_size=3, max_size=30).filter(
    lambda t: len(t.strip()) >= 3 and len(as_typed(t)) >= 3)


VALUES = st.one_of(st.integers(1, 10**10).map(float), st.integers(1, 999).map(lambda n: n / 10),
                   st.sampled_from([1.0, 2.0, 3.0, 5.0, 3000.0, 3e9]))  # small, and shared


@st.composite
def figure_questions(draw: st.DrawFn) -> tuple[Question, dict[str, set[str]]]:
    """Figures as the quiz writes them; mostly of one unit and qualifier, as a question's
    are, but sometimes mixed, so that two options may share a number ("3,000 kg", "3,000
    lb")."""
    mixed = draw(st.booleans())
    count = draw(st.integers(2, MAX_OPTIONS))
    units = draw(st.lists(st.sampled_from(UNITS), min_size=count, max_size=count)) if mixed \
        else [draw(st.sampled_from(UNITS))] * count
    qualifier = draw(st.sampled_from(QUALIFIERS))
    values = [draw(VALUES) if unit != "percent" else float(draw(st.integers(1, 99)))
              for unit in units]
    texts = [figures.hedged(v, unit, qualifier) for v, unit in zip(values, units, strict=True)]
    assume(len({as_typed(t) for t in texts}) == len(texts))
    question = _question(texts, draw(st.integers(0, len(texts) - 1)))
    return question, {LETTERS[i]: _figure_shapes(v, unit)
                      for i, (v, unit) in enumerate(zip(values, units, strict=True))}


@st.composite
def text_questions(draw: st.DrawFn) -> tuple[Question, dict[str, set[str]]]:
    kind = draw(st.sampled_from(["words", "years"]))
    if kind == "years":
        years = draw(st.lists(st.integers(1800, 2030), min_size=2, max_size=MAX_OPTIONS,
                              unique=True))
        texts = [str(y) for y in years]
        return _question(texts), {LETTERS[i]: {t} for i, t in enumerate(texts)}
    texts = draw(st.lists(WORDS, min_size=2, max_size=MAX_OPTIONS,
                          unique_by=lambda t: as_typed(t)))
    return _question(texts), {}


QUESTIONS = st.one_of(figure_questions(), text_questions())


def _typed_variants(draw: st.DrawFn, shape: str) -> str:
    """A shape as someone might type it: in another case, with spaces around."""
    cased = draw(st.sampled_from([shape, shape.upper(), shape.title()]))
    return draw(st.sampled_from(["", " ", "  "])) + cased + draw(st.sampled_from(["", " "]))


@settings(max_examples=400, deadline=None)
@given(data=st.data(), made=QUESTIONS)
def test_every_option_parses_from_each_shape_people_type(
        data: st.DataObject, made: tuple[Question, dict[str, set[str]]]) -> None:
    question, shapes = made
    count = len(question.options)
    keys = {shape for n, o in enumerate(question.options, start=1)
            for shape in _key_shapes(o.key, n)}
    for number, option in enumerate(question.options, start=1):
        for shape in sorted(_key_shapes(option.key, number)):
            raw = _typed_variants(data.draw, shape)
            assert question.parse(raw) == option.key, (raw, question.options)
        # Its text, unless the text is a key of its own ("2" is the second option).
        if as_typed(option.text) not in keys:
            raw = _typed_variants(data.draw, option.text)
            assert question.parse(raw) == option.key, (raw, question.options)
        # A figure, without its hedge, with or without commas: unless another option has
        # the same number, or it is a key (1 to the number of options).
        for shape in sorted(shapes.get(option.key, ())):
            others = {s for key, forms in shapes.items() if key != option.key for s in forms}
            texts = {as_typed(o.text) for o in question.options if o.key != option.key}
            is_key = shape.isdigit() and 1 <= int(shape) <= count
            if shape in others | texts or is_key:
                continue
            for raw in (shape, _grouped(shape), f" {shape.upper()} "):
                assert question.parse(raw) == option.key, (raw, question.options)


def _grouped(shape: str) -> str:
    """The shape with thousands separators, as people write them: 13290000 -> 13,290,000."""
    return re.sub(r"(?<![\d.])\d{4,}(?![\d.])", lambda m: f"{int(m.group()):,}", shape)


JUNK = st.text(alphabet="abcdefghijmf0123456789 ().,:$%-kglbmiontoverabu", max_size=14)


@settings(max_examples=1500, deadline=None)
@given(data=st.data(), made=QUESTIONS, junk=JUNK)
def test_junk_never_parses_to_an_option_it_does_not_stand_for(
        data: st.DataObject, made: tuple[Question, dict[str, set[str]]], junk: str) -> None:
    """Anything typed parses to the one option it stands for by the documented order, or to
    none: never to one of two options it could equally stand for."""
    question, shapes = made
    near = sorted({o.text for o in question.options} | {s for f in shapes.values() for s in f})
    shape = data.draw(st.sampled_from(near))
    raw = data.draw(st.sampled_from([junk, shape, shape + junk, junk + shape,
                                     shape.replace(" ", "")]))
    assert question.parse(raw) == expected(question, raw, shapes)
    readings = question.readings(raw)
    assert question.parse(raw) is None or readings == (question.parse(raw),)


def test_a_figure_may_be_answered_bare(corpus: Corpus) -> None:
    """The issue's cases: 29,000 or 29000 for "over 29,000"; b) and (b)."""
    question = quiz.question_for(corpus, "stat.drug-killings-peak-2017#figure",
                                 random.Random(1))
    assert question is not None
    right = question.answer
    assert question.answer_text == "over 29,000"
    for raw in ("29,000", "29000", " 29000 ", "over 29000", f"{right})", f"({right})",
                f"{right.upper()})", str(LETTERS.index(right) + 1) + ")"):
        assert question.parse(raw) == right, raw
    money = quiz.question_for(corpus, "stat.merida-funding#figure", random.Random(1))
    assert money is not None and money.answer_text == "over $3 billion"
    for raw in ("$3 billion", "3 billion", "3 BILLION"):
        assert money.parse(raw) == money.answer, raw


def test_myth_or_fact_takes_its_keys_as_in_a_list() -> None:
    question = _question(["myth", "fact"], multiple_choice=False)
    assert [question.parse(x) for x in ("(m)", "m)", "F.", "(fact)", "myth")] == [
        MYTH, MYTH, FACT, FACT, MYTH]
    assert [question.parse(x) for x in ("(a)", "1", "m))", "((m))", "")] == [None] * 5


def test_ambiguous_figures_are_no_answer() -> None:
    """Two options that share a bare figure ("$3 billion" and "3 billion" are the same
    number) are not told apart by it: the answer is asked again."""
    question = _question(["over $3 billion", "over 3 billion", "over $5 billion"])
    assert question.readings("3 billion") == ("a", "b")
    assert question.parse("3 billion") is None
    assert question.parse("$3 billion") == "a" and question.parse("5 billion") == "c"
