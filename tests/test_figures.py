"""How figures read everywhere: one source look-up, one wording for credit, honest conversions."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from binatsec import queries
from binatsec.corpus import kinds
from binatsec.corpus.records import Corpus
from binatsec.document import reference
from binatsec.quiz import engine as quiz
from binatsec.views import documents as export
from binatsec.views import json as present
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
    unnamed = "the article names no source for this figure"
    def flat(text: str) -> str:  # prose is wrapped at 100 columns, however wide the screen
        return " ".join(text.split())

    assert named in flat(cli("faq", "merida-initiative").stdout)
    assert unnamed in flat(cli("faq", "drugs-targeted").stdout)
    question = quiz.question_for(corpus, f"{UNNAMED}#figure", random.Random(1))
    assert question is not None and question.credit == unnamed
    question = quiz.question_for(corpus, f"{NAMED}#figure", random.Random(1))
    assert question is not None and question.credit == named
    document = export.markdown(reference(corpus, kinds.sections(), "en"))
    assert "none named" not in document and "no source named" not in document
    assert present.stat(_stat(corpus, UNNAMED), corpus, "en")["attribution_name"] is None


def test_markdown_figure_bullets_carry_their_attribution(corpus: Corpus) -> None:
    document = export.markdown(reference(corpus, kinds.sections(), "en"))
    bullets = [line for line in document.splitlines()
               if line.startswith("- ") and "`stat." in line]
    assert bullets
    assert all("as cited in the article" in b or "names no source" in b
               for b in bullets)


def test_hedged_is_the_one_wording_of_an_amount(corpus: Corpus) -> None:
    from binatsec import figures

    assert figures.hedged(10_000, "kg", "over") == "over 10,000 kg"
    assert figures.hedged(63, "percent", "exact") == "63%"
    for stat in corpus.stats:
        assert figures.figure_text(stat) == figures.hedged(stat.value, stat.unit, stat.qualifier)


def test_a_converted_figure_is_rounded_and_names_the_articles_own(corpus: Corpus) -> None:
    from binatsec import figures

    powder = _stat(corpus, "stat.fentanyl-powder-2020")  # nearly 1,500 lb
    meth = _stat(corpus, UNNAMED)  # over 10,000 kg
    assert figures.figure_text(powder, "kg") == "nearly 680 kg (1,500 lb in the article)"
    assert figures.figure_text(meth, "lb") == "over 22,000 lb (10,000 kg in the article)"
    assert figures.figure_text(meth, "kg") == figures.figure_text(meth) == "over 10,000 kg"
    assert figures.sentence(powder, unit="kg").startswith(
        "Nearly 680 kg (1,500 lb in the article) of ")


def test_stats_json_keeps_the_exact_value_but_words_the_rounded_one(corpus: Corpus) -> None:
    data = present.stat(_stat(corpus, "stat.fentanyl-powder-2020"), corpus, "en", unit="kg")
    assert data["value"] == 680  # the precision "nearly 680 kg" claims
    assert data["converted_from"] == {"value": 1500, "unit": "lb", "exact_value": 680.389}
    assert data["text"] == "nearly 680 kg (1,500 lb in the article)"
    assert "680.4" not in data["sentence"]


def test_human_stats_and_chart_say_when_figures_were_converted(cli: Callable[..., Run]) -> None:
    wide = {"COLUMNS": "200"}
    table = cli("stats", "seizures", "--unit", "kg", env=wide).stdout
    # The value alone in its column, the article's own figure under the label.
    assert re.search(r"\b680 kg\b", table) and "1,500 lb in the article" in table
    assert "680.4" not in table
    assert "converted to kg" in table
    assert "converted" not in cli("stats", "seizures", env=wide).stdout
    chart = cli("stats", "seizures", "--chart", "--unit", "lb", env=wide).stdout
    assert "over 22,000 lb (10,000 kg in the article)" in chart
    assert "converted to lb" in chart


def test_no_output_says_a_figure_is_not_named_in_the_article(
    cli: Callable[..., Run],
) -> None:
    """"— not named in the article" read as if the figure were not in the article."""
    for args in (("faq", "drugs-targeted"), ("timeline",), ("pillars",), ("cooperation",),
                 ("stats",), ("export", "-f", "markdown"), ("summary",)):
        output = cli(*args, env={"COLUMNS": "300"}).stdout
        assert "not named" not in output, args
