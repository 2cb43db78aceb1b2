"""Search across sections: each hit shows the line that matched, found in one pass; words
match in their other forms, quoted phrases in order, and near-miss spellings say what was
searched instead."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from binatsec import figures, queries
from binatsec.corpus import kinds
from binatsec.corpus.records import LANGUAGES, Corpus
from conftest import ROOT, Run
from test_imports import imported_by
from test_json_contract import assert_contract

Validate = Callable[[str, dict[str, Any]], list[str]]


@pytest.fixture(scope="module")
def validate() -> Validate:
    """The errors of a document against a command's schema in schemas/ (none: valid)."""
    schemas = [json.loads(path.read_text(encoding="utf-8"))
               for path in sorted((ROOT / "schemas").glob("*.schema.json"))]
    registry: Registry[Any] = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema, default_specification=DRAFT202012))
        for schema in schemas)
    validators = {schema["$id"].rsplit("/", 1)[-1].removesuffix(".schema.json"):
                  Draft202012Validator(schema, registry=registry) for schema in schemas}

    def errors(name: str, document: dict[str, Any]) -> list[str]:
        return [error.message for error in validators[name].iter_errors(document)]

    return errors


def everywhere(corpus: Corpus) -> list[tuple[str, Any]]:
    return [(kind.name, corpus.of(kind.name)) for kind in kinds.sections()]


def ids(hits: list[queries.Hit]) -> list[str]:
    return [hit.record.id for hit in hits]


def test_a_year_hit_on_an_event_shows_its_date_not_its_id(corpus: Corpus) -> None:
    hits = queries.search([("timeline", corpus.timeline)], "2019")
    assert hits
    for hit in hits:
        assert hit.text != hit.record.id
        assert (hit.field, hit.text) == ("when", "2019")
        assert hit.spans == ((0, 4),)


def test_each_record_is_read_once_per_search(corpus: Corpus,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    sentence = figures.sentence

    def counted(stat, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(stat.id)
        return sentence(stat, *args, **kwargs)

    monkeypatch.setattr(figures, "sentence", counted)
    hits = queries.search([("stats", corpus.stats)], "fentanyl")
    assert hits and all(hit.field == "sentence" for hit in hits)
    # Once in each language: a search reads both, whichever is shown.
    assert sorted(calls) == sorted(s.id for s in corpus.stats for _ in LANGUAGES)


def test_the_best_field_is_the_one_with_most_matches(corpus: Corpus) -> None:
    hits = queries.search([("faq", corpus.faq)], "merida initiative")
    best = hits[0]
    assert best.field in ("question", "answer")
    assert len(best.spans) >= 2
    assert best.text == getattr(best.record, best.field).en


# --- other forms of a word, both ways (Snowball's English stemmer) ---------------------------


def test_opioids_finds_the_pillar_that_says_opioid(corpus: Corpus) -> None:
    hits = queries.search(everywhere(corpus), "opioids")
    assert "pillar.comprehensive-drug-policy" in ids(hits)
    pillar = next(h for h in hits if h.record.id == "pillar.comprehensive-drug-policy")
    assert pillar.field == "example"
    # The other form is highlighted whole.
    assert [pillar.text[start:end] for start, end in pillar.spans] == ["opioid"]
    # ... and the other way: "opioid" finds the outlook that says "opioids".
    assert "trend.evolving-trafficking" in ids(queries.search(everywhere(corpus), "opioid"))


def test_traffickers_finds_what_trafficking_finds_and_says_so(corpus: Corpus) -> None:
    found = queries.find(everywhere(corpus), "traffickers")
    assert found.corrections == (("traffickers", "trafficking"),)
    assert ids(found.hits) == ids(queries.search(everywhere(corpus), "trafficking"))


def test_the_stemmer_is_loaded_by_search_only(tmp_path: Path) -> None:
    for args in (("faq", "merida", "--json"), ("pillars", "drug", "--json"),
                 ("stats", "seizures", "--json")):
        assert "snowballstemmer" not in imported_by(args, tmp_path), args
    assert "snowballstemmer" in imported_by(("search", "fentanyl", "--json"), tmp_path)


# --- phrases ----------------------------------------------------------------------------------


def test_a_quoted_phrase_finds_the_article_phrase(cli: Callable[..., Run],
                                                  validate: Validate) -> None:
    # The shell passes "human smuggling" as one argument with a space: a phrase.
    document = assert_contract(cli("search", "human smuggling", "--json"), "search", validate)
    assert [hit["id"] for hit in document["items"]] == [
        "myth.all-crime-drug-related", "event.operation-archangel", "source.fbi"]
    assert all("human smuggling" in hit["text"].casefold() for hit in document["items"])
    typed = cli("search", '"human smuggling"', "--json").json()  # quotes typed inside
    assert typed["items"] == document["items"]


def test_human_smuggling_finds_operation_archangel(cli: Callable[..., Run]) -> None:
    hits = cli("search", "human smuggling", "--json").json()["items"]
    assert "event.operation-archangel" in [hit["id"] for hit in hits]


def test_records_with_the_phrase_come_first(corpus: Corpus) -> None:
    words = ids(queries.search(everywhere(corpus), "organized crime"))
    phrase = queries.search(everywhere(corpus), '"organized crime"')
    # The myth has both words, but not together: every record with the phrase passes it.
    assert words.index("myth.all-crime-drug-related") == 1
    assert ids(phrase)[-1] == "myth.all-crime-drug-related"
    assert sorted(ids(phrase)) == sorted(words)
    assert [h.score for h in phrase] == sorted((h.score for h in phrase), reverse=True)
    assert all("organized crime" in h.text.casefold() for h in phrase[:-1])


def test_a_phrase_in_the_wrong_order_does_not_match_as_a_phrase(corpus: Corpus) -> None:
    backwards = queries.search(everywhere(corpus), '"crime organized"')
    words = queries.search(everywhere(corpus), "crime organized")
    # Its words still find the records, ranked as words are, with no record put first.
    assert [(h.record.id, h.score) for h in backwards] == [(h.record.id, h.score)
                                                           for h in words]
    assert ids(backwards).index("myth.all-crime-drug-related") == 1


def test_an_argument_with_spaces_is_a_phrase_and_quotes_are_kept() -> None:
    assert queries.quote_phrases(["human smuggling"]) == '"human smuggling"'
    assert queries.quote_phrases(["human", "smuggling"]) == "human smuggling"
    assert queries.quote_phrases(['"human smuggling" fbi']) == '"human smuggling" fbi'


def test_a_figure_is_found_by_its_sentence(cli: Callable[..., Run], validate: Validate) -> None:
    for args in (("over", "800"), ("over 800",)):
        document = assert_contract(cli("search", *args, "--json"), "search", validate)
        first = document["items"][0]
        assert (first["id"], first["field"]) == ("stat.us-soldiers-exercises-2019", "sentence")
        assert first["text"].startswith("Over 800 U.S. soldiers")
        assert [first["text"][start:end] for start, end in first["matches"]] == ["Over", "800"]


# --- near misses, and nothing found -----------------------------------------------------------


def test_heroine_shows_results_for_heroin_and_says_so(cli: Callable[..., Run],
                                                     validate: Validate) -> None:
    shown = cli("search", "heroine")
    assert shown.exit_code == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == "Showing results for 'heroin' (nothing matched 'heroine')"
    assert lines[1] == "3 results for 'heroin'"
    assert "stat.heroin-seizures-2020" in shown.stdout
    document = assert_contract(cli("search", "heroine", "--json"), "search", validate)
    assert (document["query"], document["searched_for"]) == ("heroine", "heroin")
    assert "stat.heroin-seizures-2020" in [hit["id"] for hit in document["items"]]


def test_a_misspelling_is_searched_as_the_content_spells_it(cli: Callable[..., Run]) -> None:
    # "Fentanil" is no misspelling now: it begins the Spanish "fentanilo".
    document = cli("search", "Fentanul", "pills", "--json").json()
    assert document["searched_for"] == "fentanyl pills"
    assert document["items"][0]["id"] == "stat.fentanyl-pills-2020"


def test_a_query_that_matches_as_typed_reads_as_before(cli: Callable[..., Run],
                                                      validate: Validate) -> None:
    shown = cli("search", "fentanyl", "--limit", "3")
    assert shown.stdout.splitlines()[:3] == [
        "5 results for 'fentanyl'; the best 3 shown (--limit to see more)", "",
        "[stats] stat.fentanyl-pills-2020"]
    document = assert_contract(cli("search", "fentanyl", "--json"), "search", validate)
    assert document["searched_for"] is None


def test_nothing_found_offers_close_words_on_one_line(cli: Callable[..., Run],
                                                     validate: Validate) -> None:
    result = cli("search", "drgu")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "binatsec: nothing matches 'drgu'; try: drug\n"
    document = assert_contract(cli("search", "drgu", "--json"), "search", validate, exit_code=1)
    assert (document["count"], document["searched_for"]) == (0, None)
    # A replaced word that still finds nothing with the rest: both queries are named.
    both = cli("search", "heroine", "archangel")
    assert both.exit_code == 1
    assert both.stderr == ("binatsec: nothing matches 'heroine archangel' or "
                           "'heroin archangel'; try: heroin\n")


def test_nothing_found_and_nothing_close_says_only_that(cli: Callable[..., Run]) -> None:
    result = cli("search", "zzzq")
    assert (result.exit_code, result.stderr) == (1, "binatsec: nothing matches 'zzzq'\n")


def test_no_number_is_taken_for_another(corpus: Corpus) -> None:
    found = queries.find(everywhere(corpus), "2022")
    assert (found.hits, found.corrections, found.suggestions) == ([], (), ())
