"""The quiz measures knowledge, not form (issue 16).

A player who knows nothing but answers by a rule of form (the longest or shortest option, the
first or the last, the smallest or largest figure, the option that shares most words with
the question) must score no better than chance plus 10 points over many seeded quizzes; and
no wrong option is partly true because the content ties it to the right one.
"""

from __future__ import annotations

import random
import re
import statistics
from collections import defaultdict
from collections.abc import Callable, Sequence

import pytest

from binatsec.corpus.records import Corpus
from binatsec.quiz import DEFAULT_COUNT, engine
from binatsec.quiz.questions import Asking, Question

QUIZZES = 1000
MARGIN = 0.10  # over chance, for the whole quiz: the measure
KIND_MARGIN = 0.15  # over chance, for any one kind of question: none gives itself away
_WORD = re.compile(r"[a-z0-9]+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_SCALE = {"million": 1e6, "billion": 1e9}


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.casefold()))


def _value(text: str) -> float | None:
    """An option's number ("over $3 billion": 3e9; "2008"; "1846–1848": 1846), if any."""
    plain = text.replace(",", "")
    found = _NUMBER.search(plain)
    if found is None:
        return None
    scale = next((size for word, size in _SCALE.items() if word in plain), 1.0)
    return float(found.group()) * scale


# A rule picks the options it prefers (ties are guessed between); None when it cannot tell
# (the player guesses at chance). Myth or fact has its own rules, below.
Rule = Callable[[Question], Sequence[str] | None]


def _best(question: Question, score: Callable[[str], float | None],
          highest: bool) -> Sequence[str] | None:
    scored = [(s, o.key) for o in question.options if (s := score(o.text)) is not None]
    if len(scored) < len(question.options):
        return None
    top = max(s for s, _ in scored) if highest else min(s for s, _ in scored)
    return [key for s, key in scored if s == top]


RULES: dict[str, Rule] = {
    "longest": lambda q: _best(q, len, highest=True),
    "shortest": lambda q: _best(q, len, highest=False),
    "always a": lambda q: [q.options[0].key],
    "always the last": lambda q: [q.options[-1].key],
    "smallest value": lambda q: _best(q, _value, highest=False) if q.kind == "figure" else None,
    "largest value": lambda q: _best(q, _value, highest=True) if q.kind == "figure" else None,
    "most words shared": lambda q: _best(q, lambda t: len(_words(t) & _words(q.prompt)),
                                         highest=True),
}


def _myth_or_fact(rule: str, question: Question, median: float) -> str | None:
    """What a rule of form says to a statement alone: by its length against the usual
    length (the shortest rule takes a long statement for a myth), or by position (a, the
    first option: myth; the last: fact). None: the rule has nothing to go on."""
    long = len(question.prompt) > median
    match rule:
        case "longest":
            return "f" if long else "m"
        case "shortest":
            return "m" if long else "f"
        case "always a":
            return question.options[0].key
        case "always the last":
            return question.options[-1].key
    return None


def _chance(question: Question) -> float:
    return 0.5 if not question.multiple_choice else 1 / len(question.options)


def _expected(rule: str, question: Question, median: float) -> float:
    """The score a player who follows `rule` can expect on `question`."""
    if not question.multiple_choice:
        said = _myth_or_fact(rule, question, median)
        return _chance(question) if said is None else float(said == question.answer)
    picked = RULES[rule](question)
    if not picked:
        return _chance(question)
    return (question.answer in picked) / len(picked)


@pytest.fixture(scope="module")
def quizzes(corpus: Corpus) -> list[Question]:
    """The questions of QUIZZES seeded quizzes on every topic, of the default length."""
    return [q for seed in range(QUIZZES)
            for q in engine.build(corpus, engine.ALL, DEFAULT_COUNT, seed)]


def measure(questions: list[Question]) -> dict[str, dict[str, tuple[float, float]]]:
    """For every rule, its (score, chance) over all questions ("all") and by kind."""
    median = statistics.median(len(q.prompt) for q in questions if not q.multiple_choice)
    by_kind: dict[str, list[Question]] = defaultdict(list)
    for question in questions:
        by_kind["all"].append(question)
        by_kind[question.kind].append(question)
    return {rule: {kind: (statistics.fmean(_expected(rule, q, median) for q in asked),
                          statistics.fmean(_chance(q) for q in asked))
                   for kind, asked in by_kind.items()}
            for rule in RULES}


def _table(found: dict[str, dict[str, tuple[float, float]]]) -> str:
    return "\n".join(f"{rule:18} " + "  ".join(f"{kind} {score:.3f}/{chance:.3f}"
                                              for kind, (score, chance) in kinds.items())
                     for rule, kinds in found.items())


def test_a_player_who_answers_by_form_scores_about_chance(quizzes: list[Question]) -> None:
    found = measure(quizzes)
    print("\nscore/chance by rule of form, over all questions and by kind\n" + _table(found))
    for rule, kinds in found.items():
        score, chance = kinds["all"]
        assert score <= chance + MARGIN, f"{rule}: {score:.3f} vs chance {chance:.3f}\n" \
                                         + _table(found)
        for kind, (score, chance) in kinds.items():
            assert score <= chance + KIND_MARGIN, f"{rule} on {kind}: {score:.3f} vs " \
                                                  f"chance {chance:.3f}\n" + _table(found)


def test_the_measure_catches_a_quiz_won_by_form(quizzes: list[Question]) -> None:
    """The measure itself: questions whose right option is always the longest, or always
    a, or whose myths are always the shorter statements, fail it."""
    rigged = []
    for question in quizzes:
        if question.multiple_choice:
            options = sorted(question.options, key=lambda o: o.key != question.answer)
            rigged.append(question._replace(options=tuple(
                o._replace(key=k) for o, k in zip(options, "abcdefghij", strict=False)),
                answer="a"))
        else:
            rigged.append(question._replace(prompt=question.prompt[:20] if question.answer
                                            == "m" else question.prompt + " " * 80))
    found = measure(rigged)
    assert all(score == 1.0 for kind, (score, _) in found["always a"].items()
               if kind not in ("all", "myth-or-fact"))
    assert found["longest"]["myth-or-fact"][0] == 1.0
    for rule in ("always a", "longest"):
        score, chance = found[rule]["all"]
        assert score > chance + MARGIN


# --- wrong options that are partly true ------------------------------------------------------


def _record_of_option(corpus: Corpus, question: Question, text: str) -> str | None:
    """The record a wrong option comes from: the FAQ entry with that answer, the event or
    pillar with that title or name."""
    for record in corpus.of({"faq-answer": "faq", "which-first": "timeline",
                             "pillar": "pillars"}.get(question.kind, "")):
        for field in ("answer", "title", "name"):
            value = getattr(record, field, None)
            if value is not None and value.en == text:
                return record.id
    return None


def test_records_tied_by_a_link_are_never_each_others_wrong_options(corpus: Corpus) -> None:
    asking = Asking(corpus, random.Random(0), "en")
    assert asking.tied("faq.challenges", "faq.opposing-views")  # through criticism.root-causes
    assert asking.tied("faq.merida-initiative", "faq.merida-funding")  # a figure they share
    assert not asking.tied("pillar.community-engagement", "pillar.intelligence-sharing")
    offered: set[tuple[str, str]] = set()
    for seed in range(300):
        for question in engine.build(corpus, engine.ALL, 100, seed):
            for option in question.options:
                if option.key == question.answer:
                    continue
                wrong = _record_of_option(corpus, question, option.text)
                if wrong is not None:
                    offered.add((question.record_id, wrong))
                    assert not asking.tied(question.record_id, wrong), (question.id, wrong)
    assert ("faq.challenges", "faq.opposing-views") not in offered
    assert len(offered) > 100  # the check saw the wrong options it was meant to
