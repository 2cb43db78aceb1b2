"""How figures read everywhere: one source look-up, one wording for credit, honest conversions."""

from __future__ import annotations

import random
from collections.abc import Callable

from binatsec import export, present, queries, quiz
from binatsec.model import Corpus
from conftest import Run

NAMED = "stat.merida-funding"  # the article credits the U.S. Department of State
UNNAMED = "stat.meth-seizures-2020"  # the article credits no one


def _stat(corpus: Corpus, stat_id: str):  # type: ignore[no-untyped-def]
    return next(s for s in corpus.stats if s.id == stat_id)


def test_source_of_finds_the_credited_body_or_none(corpus: Corpus) -> None:
    source = queries.source_of(_stat(corpus, NAMED), corpus)
    assert source is not None and source.id == "source.us-state-department"
    assert queries.source_of(_stat(corpus, UNNAMED), corpus) is None


def test_every_output_words_a_figures_credit_the_same(
    cli: Callable[..., Run], corpus: Corpus,
) -> None:
    named = "per the U.S. Department of State, as cited in the article"
    unnamed = "not named in the article"
    wide = {"COLUMNS": "300"}
    assert named in cli("faq", "merida-initiative", env=wide).stdout
    assert unnamed in cli("myths", env=wide).stdout
    question = quiz.question_for(corpus, f"{UNNAMED}#figure", random.Random(1))
    assert question is not None and question.credit == unnamed
    question = quiz.question_for(corpus, f"{NAMED}#figure", random.Random(1))
    assert question is not None and question.credit == named
    document = export.markdown(corpus)
    assert "none named" not in document and "no source named" not in document
    assert present.stat(_stat(corpus, UNNAMED), corpus)["attribution_name"] is None


def test_markdown_figure_bullets_carry_their_attribution(corpus: Corpus) -> None:
    bullets = [line for line in export.markdown(corpus).splitlines()
               if line.startswith("- ") and "`stat." in line]
    assert bullets
    assert all("as cited in the article" in b or "not named in the article" in b
               for b in bullets)


def test_hedged_is_the_one_wording_of_an_amount(corpus: Corpus) -> None:
    from binatsec import figures

    assert figures.hedged(10_000, "kg", "over") == "over 10,000 kg"
    assert figures.hedged(63, "percent", "exact") == "63%"
    for stat in corpus.stats:
        assert figures.figure_text(stat) == figures.hedged(stat.value, stat.unit, stat.qualifier)
