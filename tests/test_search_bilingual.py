"""Search and look-ups in both languages, whatever the language shown: case and accents never
count, Spanish words find their other forms through Snowball's Spanish stemmer, and a hit
shows its text in the language asked for. Then BC017, the parity of the two languages."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from binatsec import queries
from binatsec.corpus import kinds
from binatsec.corpus.loader import ContentSource, lint
from binatsec.corpus.records import Corpus
from binatsec.corpus.resources import bundled_content
from binatsec.corpus.spec import placeholder
from conftest import ROOT, Run

SPANISH_FAQ = '''
[[faq]]
id = "faq.tmp-seizures"
question.en = "Which drugs did the authorities take?"
question.es = "¿Qué drogas decomisaron las autoridades de Mérida?"
answer.en = "Mostly powders, the test says."
answer.es = "Sobre todo polvos, según la prueba: incautaciones grandes."
'''


def _slow_fold(text: str) -> str:  # the old fold, the reference
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@pytest.mark.parametrize("text", ["Mérida", "MÉXICO", "Straße", "ﬁn", "Ñandú", "São Paulo",
                                  "a\u0308\u0323", "Ελλάδα", "Ǆ", "plain ascii", "", "Ⅻ", "㎏"])
def test_fold_drops_case_and_accents_as_before(text: str) -> None:
    assert queries.fold(text) == _slow_fold(text)
    assert queries.fold("Iniciativa Mérida") == "iniciativa merida"


def spanish_folder(tmp_path: Path) -> Path:
    (tmp_path / "faq.toml").write_text(SPANISH_FAQ, encoding="utf-8")
    return tmp_path


def test_a_spanish_word_finds_a_record_shown_in_english(tmp_path: Path) -> None:
    corpus = ContentSource(bundled_content(), spanish_folder(tmp_path)).load()
    hits = queries.search([("faq", corpus.faq)], "decomisaron merida")
    assert [hit.record.id for hit in hits] == ["faq.tmp-seizures"]
    assert hits[0].text == "Which drugs did the authorities take?"  # the language shown
    spanish = queries.search([("faq", corpus.faq)], "decomisaron", "es")
    assert spanish[0].text == "¿Qué drogas decomisaron las autoridades de Mérida?"
    assert spanish[0].spans  # highlighted where the text shown holds the word


def test_an_english_word_finds_a_record_shown_in_spanish(tmp_path: Path) -> None:
    corpus = ContentSource(bundled_content(), spanish_folder(tmp_path)).load()
    hits = queries.search([("faq", corpus.faq)], "powders", "es")
    assert "faq.tmp-seizures" in [hit.record.id for hit in hits]


def test_the_spanish_stemmer_reads_spanish_words_only(tmp_path: Path) -> None:
    corpus = ContentSource(bundled_content(), spanish_folder(tmp_path)).load()
    # "decomisos" is not in the text, "decomisaron" is: the same Spanish stem.
    found = queries.find([("faq", corpus.faq)], "decomisos")
    assert [hit.record.id for hit in found.hits] == ["faq.tmp-seizures"]
    assert queries.stem("incautaciones", "es") == queries.stem("incautación".replace(
        "ó", "o"), "es")


def test_accents_and_case_never_count(tmp_path: Path) -> None:
    corpus = ContentSource(bundled_content(), spanish_folder(tmp_path)).load()
    for query in ("MERIDA", "mérida", "Merida", "DECOMISARON"):
        assert "faq.tmp-seizures" in [h.record.id for h in queries.search(
            [("faq", corpus.faq)], query)], query


def test_bundled_spanish_finds_the_figures(cli: Callable[..., Run]) -> None:
    for query in ("incautaciones", "fentanilo", "merida", "Iniciativa Mérida"):
        items = cli("search", query, "--json").json()["items"]
        assert items, query
    fentanyl = {i["id"] for i in cli("search", "fentanilo", "--json").json()["items"]}
    assert {"stat.fentanyl-pills-2020", "stat.fentanyl-powder-2020"} <= fentanyl
    seized = {i["id"] for i in cli("search", "incautaciones", "--json").json()["items"]}
    assert any(found.startswith("stat.") for found in seized)


def test_look_ups_match_names_in_either_language(corpus: Corpus) -> None:
    faq, pillars = kinds.named("faq"), kinds.named("pillars")
    found = queries.look_up(faq, corpus.faq, "iniciativa merida")
    assert found[0].id == "faq.merida-initiative"
    assert [r.id for r in queries.look_up(pillars, corpus.pillars, "participacion")] == \
        ["pillar.community-engagement"]
    assert [r.id for r in queries.look_up(pillars, corpus.pillars, "community", "es")] == \
        ["pillar.community-engagement"]


def test_spanish_little_words_do_not_have_to_match(corpus: Corpus) -> None:
    assert queries.query_terms("la iniciativa de mérida") == ["iniciativa", "merida"]


# --- BC017: both languages ------------------------------------------------------------------


@pytest.mark.parametrize("text", ["TODO", "TODO: traducir", "TBD", "...", "…", "xxx", "XXXX",
                                  "FIXME later", "??", "n/a"])
def test_placeholders(text: str) -> None:
    assert placeholder(text)


@pytest.mark.parametrize("text", ["Todo el mundo coopera.", "todos", "DEA", "Plan Colombia",
                                  "¿Qué es la Iniciativa Mérida?", "2008..."])
def test_not_placeholders(text: str) -> None:
    assert not placeholder(text)


def test_bundled_content_has_every_text_in_both_languages() -> None:
    # lint of the bundled content (no PATH) reports BC017 for any text without its Spanish.
    problems, _ = lint(ContentSource(bundled_content()))
    assert [str(p) for p in problems if p.rule == "BC017"] == []
    corpus = ContentSource(bundled_content()).load()
    for record in corpus.records():
        for name, value in record._asdict().items():
            if hasattr(value, "es"):
                assert value.es, f"{record.id}: {name}"


def test_a_layered_folder_may_be_english_only(tmp_path: Path) -> None:
    (tmp_path / "faq.toml").write_text(
        '[[faq]]\nid = "faq.english-only"\nquestion.en = "Only English?"\n'
        'answer.en = "Yes, and that is fine for a folder of your own."\n', encoding="utf-8")
    problems, _ = lint(ContentSource(bundled_content(), tmp_path))
    assert problems == []


def test_a_standalone_corpus_needs_both_languages(tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content", folder)
    faq = folder / "faq.toml"
    faq.write_text(faq.read_text(encoding="utf-8") + (
        '\n[[faq]]\nid = "faq.english-only"\nquestion.en = "Only English?"\n'
        'question.es = "¿Solo inglés?"\nanswer.en = "Yes, only English here."\n'),
        encoding="utf-8")
    problems, _ = lint(ContentSource(folder))
    assert [(p.rule, p.record_id, p.key) for p in problems] == [
        ("BC017", "faq.english-only", "answer.es")]


def test_a_short_name_may_read_the_same_in_both(tmp_path: Path) -> None:
    (tmp_path / "faq.toml").write_text(
        '[[faq]]\nid = "faq.same-name"\nquestion.en = "Plan Colombia?"\n'
        'question.es = "Plan Colombia?"\nanswer.en = "A plan, in short."\n'
        'answer.es = "Un plan, en breve."\n', encoding="utf-8")
    assert lint(ContentSource(bundled_content(), tmp_path))[0] == []
