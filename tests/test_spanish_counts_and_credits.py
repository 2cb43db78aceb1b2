"""Under --lang es, counts take Spanish nouns (not an English "s"), a figure's credit reads
in Spanish with the source's Spanish name, and sources are named in Spanish."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

import pytest

from binatsec import i18n
from binatsec.corpus.records import Corpus
from binatsec.quiz import engine as quiz
from binatsec.views.terminal import counted
from conftest import Run

NAMED = "stat.merida-funding"  # credited to the U.S. Department of State
UNNAMED = "stat.meth-seizures-2020"  # credited to no one
PILLAR = "pillar.institutional-strengthening"


@pytest.fixture
def spanish() -> Iterator[None]:
    i18n.set_language("es")
    try:
        yield
    finally:
        i18n.set_language(i18n.ENGLISH)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_counts_take_each_nouns_spanish_forms(spanish: None) -> None:
    assert counted(1, "event") == "1 evento"
    assert counted(3, "event") == "3 eventos"
    assert counted(8, "misconception") == "8 ideas erróneas"
    assert counted(2, "question") == "2 preguntas"
    assert counted(5, "pillar") == "5 pilares"


def test_counts_in_english_are_unchanged() -> None:
    assert (counted(1, "event"), counted(3, "event"), counted(2, "category")) == (
        "1 event", "3 events", "2 categories")


def test_spanish_headings_and_matches_count_in_spanish(cli: Callable[..., Run]) -> None:
    env = {"COLUMNS": "80"}
    myths = cli("--lang", "es", "myths", env=env).stdout
    assert "8 ideas erróneas que corrige el artículo" in myths
    assert "misconceptions" not in myths
    timeline = cli("--lang", "es", "timeline", env=env).stdout
    assert "Cronología  10 eventos\n" in timeline
    assert "events" not in timeline
    one = cli("--lang", "es", "timeline", "--from", "1846", "--to", "1846", env=env).stdout
    assert "1 evento\n" in one
    faq = cli("--lang", "es", "faq", "merida", env=env).stdout
    assert faq.startswith("2 preguntas coinciden; primero, la más pertinente.\n")


def test_a_figures_credit_reads_in_spanish(cli: Callable[..., Run], corpus: Corpus) -> None:
    named = "fuente citada en el artículo: Departamento de Estado de EE. UU."
    unnamed = "el artículo no indica la fuente de esta cifra"
    assert named in flat(cli("--lang", "es", "faq", "merida-initiative").stdout)
    assert unnamed in flat(cli("--lang", "es", "faq", "drugs-targeted").stdout)
    assert "as cited in the article" not in cli("--lang", "es", "sources").stdout


def test_quiz_credit_lines_read_in_spanish(corpus: Corpus, spanish: None) -> None:
    question = quiz.question_for(corpus, f"{NAMED}#figure", random.Random(1), "es")
    assert question is not None
    assert question.credit == "fuente citada en el artículo: Departamento de Estado de EE. UU."
    question = quiz.question_for(corpus, f"{UNNAMED}#figure", random.Random(1), "es")
    assert question is not None
    assert question.credit == "el artículo no indica la fuente de esta cifra"
    question = quiz.question_for(corpus, f"{PILLAR}#summary", random.Random(1), "es")
    assert question is not None
    assert question.credit == ("fuente de los cuatro pilares citada en el artículo: "
                               "Departamento de Estado de EE. UU.")


def test_sources_and_stats_name_sources_in_spanish(cli: Callable[..., Run]) -> None:
    sources = cli("--lang", "es", "sources", env={"COLUMNS": "80"}).stdout
    for name in ("Departamento de Estado de EE. UU.",
                 "Administración para el Control de Drogas (DEA)",
                 "Centro de Investigaciones Pew", "Buró Federal de Investigaciones (FBI)"):
        assert name in sources
    for english in ("U.S. Department of State", "Pew Research Center", "Pillar:"):
        assert english not in sources
    assert "Pilar: 1." in sources
    stats = cli("--lang", "es", "stats", env={"COLUMNS": "80"}).stdout
    assert "Departamento de Estado" in stats and "State Department" not in stats
    english = cli("sources", env={"COLUMNS": "80"}).stdout
    assert "U.S. Department of State" in english and "Departamento" not in english


@pytest.mark.parametrize("words", ["state department", "departamento de estado", "pew"])
def test_search_by_a_sources_name_in_spanish(cli: Callable[..., Run], words: str) -> None:
    result = cli("--lang", "es", "search", words, "--limit", "50", "--json")
    assert result.exit_code == 0, result.stderr
    ids = [item["id"] for item in result.json()["items"]]
    assert ids and ids[0].startswith("source."), ids
