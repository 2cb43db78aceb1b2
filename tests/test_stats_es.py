"""`--lang es stats`: amounts, hedges and sources in Mexican Spanish, in the table, the chart,
the JSON and the quiz's figure options (which parse as typed in Spanish). English stays as it
was (tests/golden)."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from binatsec import figures
from binatsec.corpus.records import Corpus
from binatsec.quiz.makers import WhichFigure
from binatsec.quiz.questions import Asking, Question
from conftest import Run

SEIZURES = ("stat.fentanyl-pills-2020", "stat.fentanyl-powder-2020", "stat.meth-seizures-2020",
            "stat.heroin-seizures-2020")


@pytest.mark.parametrize("width", [20, 80])
def test_spanish_stats_table_words_values_and_hedges_in_spanish(cli: Callable[..., Run],
                                                                 width: int) -> None:
    result = cli("--lang", "es", "stats", "seizures", env={"COLUMNS": str(width), "NO_COLOR": "1"})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    for value in ("10,000 kg", "1,500 lb", "3.9 millones", "más de", "casi", "alrededor de"):
        assert any(value in line for line in lines), (width, value)
    for record_id in SEIZURES:  # every id whole, on one line
        assert any(record_id in line for line in lines), (width, record_id)
    for english in ("million", "over", "nearly", "about", "none named"):
        assert english not in result.stdout.split(), (width, english)


def test_spanish_chart_hedges_in_spanish(cli: Callable[..., Run]) -> None:
    result = cli("--lang", "es", "stats", "seizures", "--chart",
                 env={"COLUMNS": "80", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.stderr
    assert "más de 10,000 kg" in result.stdout
    assert "casi 1,500 lb" in result.stdout or "casi 680 kg" in result.stdout
    assert "nearly" not in result.stdout and "over " not in result.stdout


def test_spanish_stats_json_text_is_spanish(cli: Callable[..., Run]) -> None:
    document = cli("--lang", "es", "stats", "--json").json()
    by_id = {item["id"]: item for item in document["items"]}
    assert by_id["stat.meth-seizures-2020"]["text"] == "más de 10,000 kg"
    assert by_id["stat.fentanyl-powder-2020"]["text"] == "casi 1,500 lb"
    assert by_id["stat.fentanyl-pills-2020"]["text"] == "alrededor de 3.9 millones"
    english = {item["id"]: item for item in cli("stats", "--json").json()["items"]}
    assert english["stat.meth-seizures-2020"]["text"] == "over 10,000 kg"
    both = {item["id"]: item for item in cli("--lang", "all", "stats", "--json").json()["items"]}
    assert both["stat.meth-seizures-2020"]["text"] == {"en": "over 10,000 kg",
                                                        "es": "más de 10,000 kg"}


@pytest.mark.parametrize("seed", range(20))
def test_spanish_figure_options_are_spanish_and_parse(corpus: Corpus, seed: int) -> None:
    for stat in corpus.stats:
        spanish = WhichFigure().ask(stat, "figure", Asking(corpus, random.Random(seed), "es"))
        english = WhichFigure().ask(stat, "figure", Asking(corpus, random.Random(seed), "en"))
        # The same figures, drawn the same for a seed, worded in each language.
        assert spanish.answer == english.answer
        right = figures.hedged(stat.value, stat.unit, stat.qualifier, "es")
        question = Question(id=f"{stat.id}#figure", record_id=stat.id, topic="figures",
                            kind="figure", prompt=spanish.prompt, options=spanish.options,
                            answer=spanish.answer, explanation=spanish.explanation)
        assert question.answer_text == right
        for option in spanish.options:
            hedge = figures.QUALIFIER_WORDS_ES[stat.qualifier]
            assert option.text.startswith(hedge), option.text
            assert question.parse(option.text) == option.key
            assert question.parse(option.text.replace(",", "")) == option.key
            if hedge:  # without the hedge: "29,000" for "más de 29,000"
                assert question.parse(option.text.removeprefix(hedge + " ")) == option.key
