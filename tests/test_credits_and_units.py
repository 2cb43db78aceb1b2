"""Issue 16, "who said what": credits are links both ways (a source lists what it is
credited with; `stats --source` filters by it; search finds a figure by the body it credits),
and a figure is found by its unit's names (pounds, kilograms, dollars, percent, $ and %).
The links are worked out once per corpus, so showing every record costs no figures x
records scan."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from binatsec import queries
from binatsec.corpus import kinds
from binatsec.corpus.records import Corpus, Stat
from conftest import Run

PEW = "source.pew-research-center"
STATE = "source.us-state-department"
PEW_FIGURE = "stat.public-support-2021"
STATE_FIGURES = {"stat.merida-funding", "stat.drug-killings-peak-2017"}
PILLARS = {"pillar.institutional-strengthening", "pillar.intelligence-sharing",
           "pillar.community-engagement", "pillar.comprehensive-drug-policy"}


def _credited(corpus: Corpus, source: str) -> set[str]:
    """What the content credits to `source`, read from the figures' and pillars' own
    `attribution` (the test's independent view of the links)."""
    return {record.id for name in ("stats", "pillars") for record in corpus.of(name)
            if getattr(record, "attribution", None) == source}


# --- sources list what they are credited with --------------------------------------------


def test_sources_json_lists_the_figures_each_source_is_credited_with(
        cli: Callable[..., Run], corpus: Corpus) -> None:
    document = cli("sources", "--json").json()
    by_id = {item["id"]: item for item in document["items"]}
    assert {f["id"] for f in by_id[PEW]["figures"]} == {PEW_FIGURE}
    assert {f["id"] for f in by_id[STATE]["figures"]} == STATE_FIGURES
    for source_id, item in by_id.items():
        assert set(item["credited_with"]) == _credited(corpus, source_id), source_id
        credited_figures = {i for i in item["credited_with"] if i.startswith("stat.")}
        assert {f["id"] for f in item["figures"]} == credited_figures, source_id
    assert set(by_id[STATE]["credited_with"]) >= PILLARS
    assert by_id["source.dea"]["figures"] == [] and by_id["source.dea"]["credited_with"] == []


def test_export_carries_the_same_credits(cli: Callable[..., Run]) -> None:
    document = cli("export", "--format", "json", "--section", "sources").json()
    pew = next(item for item in document["sources"] if item["id"] == PEW)
    assert pew["credited_with"] == [PEW_FIGURE]
    assert [f["id"] for f in pew["figures"]] == [PEW_FIGURE]


def test_sources_pew_shows_what_pew_is_credited_with(cli: Callable[..., Run]) -> None:
    shown = cli("sources", "pew", env={"NO_COLOR": "1"})
    assert shown.exit_code == 0, shown.stderr
    assert PEW in shown.stdout and PEW_FIGURE in shown.stdout
    assert "63%" in shown.stdout
    state = cli("sources", "state department", env={"NO_COLOR": "1"}).stdout
    for record_id in (*STATE_FIGURES, *PILLARS):
        assert record_id in state, record_id
    assert "Pillar: 1. Institutional strengthening" in state


# --- stats --source -------------------------------------------------------------------------


@pytest.mark.parametrize("named", ["pew", "Pew Research", PEW, "pew-research-center"])
def test_stats_source_keeps_the_figures_credited_to_it(cli: Callable[..., Run],
                                                       named: str) -> None:
    document = cli("stats", "--source", named, "--json").json()
    assert [item["id"] for item in document["items"]] == [PEW_FIGURE]
    assert document["source"] == PEW
    assert all(item["attribution"] == PEW for item in document["items"])


def test_stats_source_with_a_category_and_for_the_state_department(
        cli: Callable[..., Run]) -> None:
    state = cli("stats", "--source", "state department", "--json").json()
    assert {item["id"] for item in state["items"]} == STATE_FIGURES
    funding = cli("stats", "funding", "--source", "state", "--json").json()
    assert [item["id"] for item in funding["items"]] == ["stat.merida-funding"]
    assert (funding["query"], funding["category"], funding["source"]) == (
        "funding", "funding", STATE)
    assert cli("stats", "--json").json()["source"] is None


def test_an_unknown_source_is_a_usage_error_with_did_you_mean(cli: Callable[..., Run]) -> None:
    result = cli("stats", "--source", "pwe")
    assert result.exit_code == 2
    assert f"did you mean '{PEW}'?" in result.stderr
    assert result.stderr.count("\n") == 1
    listed = cli("stats", "--source", "nosuchbody")
    assert listed.exit_code == 2 and "choose from:" in listed.stderr and STATE in listed.stderr


def test_a_source_credited_with_no_figure_finds_nothing(cli: Callable[..., Run]) -> None:
    result = cli("stats", "--source", "dea")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "credits no figure to the U.S. Drug Enforcement Administration" in result.stderr
    document = cli("stats", "seizures", "--source", "pew", "--json")
    assert document.exit_code == 1
    assert document.json()["count"] == 0 and document.json()["source"] == PEW


# --- search by credit and by unit -------------------------------------------------------------


def _search(cli: Callable[..., Run], *words: str) -> list[str]:
    result = cli("search", *words, "--limit", "50", "--json")
    assert result.exit_code == 0, (words, result.stderr)
    return [item["id"] for item in result.json()["items"]]


def test_search_finds_the_figures_a_source_is_credited_with(cli: Callable[..., Run]) -> None:
    assert PEW_FIGURE in _search(cli, "pew")
    found = _search(cli, "state department")
    assert set(found) >= STATE_FIGURES | PILLARS
    assert found[0] == STATE  # the source itself first
    # The figures credited to it, though their own text never names it.
    assert set(_search(cli, "State Department", "--section", "stats")) >= STATE_FIGURES


@pytest.mark.parametrize(("words", "wanted"), [
    ("pounds", {"stat.fentanyl-powder-2020"}),
    ("pound", {"stat.fentanyl-powder-2020"}),
    ("lb", {"stat.fentanyl-powder-2020"}),
    ("kilograms", {"stat.meth-seizures-2020", "stat.heroin-seizures-2020"}),
    ("kg", {"stat.meth-seizures-2020", "stat.heroin-seizures-2020"}),
    ("dollars", {"stat.merida-funding"}),
    ("$", {"stat.merida-funding"}),
    ("percent", {PEW_FIGURE}),
    ("%", {PEW_FIGURE}),
    ("1,500 pounds", {"stat.fentanyl-powder-2020"}),
])
def test_units_and_their_names_are_searchable(cli: Callable[..., Run], words: str,
                                              wanted: set[str]) -> None:
    found = _search(cli, words, "--section", "stats")
    assert set(found) == wanted, words


def test_a_unit_hit_shows_the_figure_as_the_article_gives_it(cli: Callable[..., Run]) -> None:
    hit = cli("search", "pounds", "--json").json()["items"][0]
    assert (hit["id"], hit["field"]) == ("stat.fentanyl-powder-2020", "sentence")
    assert "1,500 lb" in hit["text"]


def test_a_unit_word_is_never_taken_for_a_typo(cli: Callable[..., Run],
                                               corpus: Corpus) -> None:
    # The myths hold "perfect" and no percentage: "percent" is a real word that finds
    # nothing there, never "perfect".
    assert "perfect" in " ".join(m.reality.en for m in corpus.myths).casefold()
    result = cli("search", "percent", "--section", "myths")
    assert result.exit_code == 1
    assert "perfect" not in result.stderr and "perfect" not in result.stdout
    found = queries.find([("myths", corpus.myths)], "percent")
    assert (found.hits, found.corrections, found.suggestions) == ([], (), ())
    typo = cli("search", "percnt", "--json").json()
    assert typo["searched_for"] == "percent"


# --- the links are worked out once ------------------------------------------------------------


class _CountingCorpus(Corpus):
    """A corpus that counts how often the figures are asked for."""

    __slots__ = ()
    asked = 0

    @property
    def stats(self) -> tuple[Stat, ...]:
        type(self).asked += 1
        return super().stats


def test_figures_and_credits_are_indexed_once_per_corpus(corpus: Corpus) -> None:
    counted = _CountingCorpus(corpus.kinds())
    _CountingCorpus.asked = 0
    records = [r for kind in kinds.sections() for r in counted.of(kind.name)]
    for _ in range(3):
        for record in records:
            queries.figures_for(counted, record.id, getattr(record, "related", ()))
            queries.credited_with(counted, record.id)
    assert _CountingCorpus.asked == 1  # one pass over the figures, not one per record
    assert queries.figures_for(counted, PEW) == queries.figures_for(corpus, PEW)
    assert [s.id for s in queries.figures_for(counted, PEW)] == [PEW_FIGURE]


def test_the_index_links_every_way_in_content_order(corpus: Corpus) -> None:
    for record in corpus.records():
        related = getattr(record, "related", ())
        expected = [s for s in corpus.stats
                    if s.id in related or record.id in s.supports or s.attribution == record.id]
        assert queries.figures_for(corpus, record.id, related) == expected, record.id
