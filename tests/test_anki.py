"""The Anki deck (`export --format anki`): a deck per language, a note per record of the
carded sections, GUIDs that stay put between exports, clozes on the figures' amounts, and
content that stays text (no markup, no cloze of its own)."""

from __future__ import annotations

import json
import sqlite3
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import genanki  # type: ignore[import-untyped]
import pytest

from binatsec import figures
from binatsec.corpus.records import Corpus, Stat
from binatsec.document import Document, Figure, FigureTable, Section
from binatsec.views import anki
from conftest import Run

LANGUAGES = ("en", "es")
# The kinds that make cards, by the section (tag) their notes carry.
CARDED = ("faq", "myths", "pillars", "stats", "timeline")
FIELD_SEPARATOR = "\x1f"


class Deck:
    """An exported .apkg, opened: its notes, cards and decks as Anki would read them."""

    def __init__(self, path: Path, folder: Path) -> None:
        with zipfile.ZipFile(path) as archive:
            assert sorted(archive.namelist()) == ["collection.anki2", "media"]
            assert json.loads(archive.read("media")) == {}
            collection = folder / "collection.anki2"
            collection.write_bytes(archive.read("collection.anki2"))
        connection = sqlite3.connect(collection)
        try:
            self.notes = connection.execute(
                "SELECT id, guid, mid, mod, tags, flds FROM notes ORDER BY id").fetchall()
            self.cards = connection.execute("SELECT nid, did, ord, due FROM cards").fetchall()
            (decks,) = connection.execute("SELECT decks FROM col").fetchone()
        finally:
            connection.close()
        self.decks = {int(key): value["name"] for key, value in json.loads(decks).items()
                      if value["name"] != "Default"}  # Anki's own, in every collection

    def tagged(self, *tags: str) -> list[tuple[Any, ...]]:
        return [note for note in self.notes if set(tags) <= set(note[4].split())]

    def by_guid(self, guid: str) -> tuple[Any, ...]:
        (note,) = [note for note in self.notes if note[1] == guid]
        return tuple(note)

    def fields(self, guid: str) -> list[str]:
        return str(self.by_guid(guid)[5]).split(FIELD_SEPARATOR)


def export(cli: Callable[..., Run], folder: Path, *args: str, name: str = "d.apkg") -> Deck:
    path = folder / name
    result = cli("export", "--format", "anki", "--output", str(path), *args)
    assert result.exit_code == 0, result.stderr
    unpacked = folder / (name + ".unpacked")
    unpacked.mkdir()
    return Deck(path, unpacked)


def carded_ids(corpus: Corpus) -> dict[str, list[str]]:
    return {kind: [record.id for record in corpus.of(kind)] for kind in CARDED}


def test_a_deck_per_language_with_a_note_per_record(cli: Callable[..., Run], corpus: Corpus,
                                                     tmp_path: Path) -> None:
    deck = export(cli, tmp_path)
    names = {anki.deck_name(language): language for language in LANGUAGES}
    assert sorted(deck.decks.values()) == ["binatsec::English", "binatsec::Español"]
    assert deck.decks == {anki.deck_id(name): name for name in names}
    ids = carded_ids(corpus)
    for kind, records in ids.items():
        assert records, kind
        for language in LANGUAGES:
            assert len(deck.tagged(kind, "binatsec", f"lang::{language}")) == len(records)
    per_language = sum(len(records) for records in ids.values())
    assert len(deck.notes) == per_language * len(LANGUAGES)
    # Every note is in one language's deck and makes one card (a cloze on one amount).
    language_of = {anki.deck_id(name): language for name, language in names.items()}
    for deck_id, language in language_of.items():
        nids = [nid for nid, did, _ord, _due in deck.cards if did == deck_id]
        assert len(nids) == per_language == len(set(nids))
        tagged = {note[0] for note in deck.tagged(f"lang::{language}")}
        assert set(nids) == tagged


def test_guids_come_from_record_and_language(cli: Callable[..., Run], corpus: Corpus,
                                            tmp_path: Path) -> None:
    deck = export(cli, tmp_path)
    guids = [note[1] for note in deck.notes]
    assert len(guids) == len(set(guids))
    expected = {genanki.guid_for(record_id, language)
                for records in carded_ids(corpus).values() for record_id in records
                for language in LANGUAGES}
    assert set(guids) == expected
    front, back = deck.fields(genanki.guid_for("faq.merida-initiative", "en"))
    assert "What is the Merida Initiative?" in front
    assert "faq.merida-initiative" in back and "State" in back  # its figure, credited
    front, _back = deck.fields(genanki.guid_for("faq.merida-initiative", "es"))
    assert "¿Qué es la Iniciativa Mérida?" in front


def test_a_figure_is_a_cloze_on_its_amount(cli: Callable[..., Run], corpus: Corpus,
                                           tmp_path: Path) -> None:
    deck = export(cli, tmp_path)
    stats = [stat for stat in corpus.of("stats") if isinstance(stat, Stat)]
    assert stats
    for stat in stats:
        for language in LANGUAGES:
            note = deck.by_guid(genanki.guid_for(stat.id, language))
            assert note[2] == anki.CLOZE_MODEL_ID
            text, extra = str(note[5]).split(FIELD_SEPARATOR)
            amount = figures.format_amount(stat.value, stat.unit, language)
            assert "{{c1::" + amount.replace("&", "&amp;") + "}}" in text
            assert text.count("{{c") == 1
            assert stat.id in extra
    text, extra = deck.fields(genanki.guid_for("stat.meth-seizures-2020", "en"))
    assert "Over {{c1::10,000 kg}} of methamphetamine" in text  # the hedge stays in view
    text, extra = deck.fields(genanki.guid_for("stat.merida-funding", "es"))
    assert "Más de {{c1::3,000 millones de dólares}}" in text
    assert "Departamento de Estado" in extra


def test_cards_speak_their_decks_language(cli: Callable[..., Run], tmp_path: Path) -> None:
    deck = export(cli, tmp_path)
    guid = genanki.guid_for("myth.us-controls-mexico-security", "en")
    front, back = deck.fields(guid)
    assert "Myth or fact?" in front and "Mexico&#x27;s security decisions" in front
    assert '<div class="verdict">Myth</div>' in back
    assert "<b>Reality:</b>" in back and "<b>Fact:</b>" in back
    # The run speaks English; the Spanish deck's words are Spanish all the same.
    _front, back = deck.fields(genanki.guid_for("myth.us-controls-mexico-security", "es"))
    assert "<b>Realidad:</b>" in back and "<b>Hecho:</b>" in back
    front, back = deck.fields(genanki.guid_for("event.mexican-american-war", "en"))
    assert "Mexican-American War" in front and "1846–1848" in back
    assert 'lang="es"' in deck.fields(genanki.guid_for("pillar.institutional-strengthening",
                                                       "es"))[0]


def test_a_second_export_is_the_same_deck(cli: Callable[..., Run], tmp_path: Path) -> None:
    first = export(cli, tmp_path, name="first.apkg")
    second = export(cli, tmp_path, name="second.apkg")
    assert [note[1] for note in first.notes] == [note[1] for note in second.notes]
    assert (tmp_path / "first.apkg").read_bytes() == (tmp_path / "second.apkg").read_bytes()
    assert {note[3] for note in first.notes} == {anki.stamp()}


def test_a_later_version_stamps_later_notes() -> None:
    """Anki updates an imported note only from a newer one: a new release must be newer."""
    assert anki.stamp("0.2.0") < anki.stamp("0.2.1") < anki.stamp("0.3.0") < anki.stamp("1.0")
    assert anki.stamp("0.2.0") == anki.stamp("0.2.0")


def test_lang_es_gives_one_spanish_deck(cli: Callable[..., Run], corpus: Corpus,
                                        tmp_path: Path) -> None:
    deck = export(cli, tmp_path, "--lang", "es")
    assert list(deck.decks.values()) == ["binatsec::Español"]
    per_language = sum(len(records) for records in carded_ids(corpus).values())
    assert len(deck.notes) == len(deck.tagged("lang::es")) == per_language


def test_hostile_content_stays_text(cli: Callable[..., Run], tmp_path: Path) -> None:
    folder = tmp_path / "content"
    folder.mkdir()
    hostile = "<script>alert(1)</script> {{c1::x}} {{Back}} a & b"
    (folder / "faq.toml").write_text(
        f'[[faq]]\nid = "faq.hostile"\nquestion.en = "{hostile}?"\n'
        f'question.es = "¿{hostile}?"\nanswer.en = "Answer {hostile}"\n'
        f'answer.es = "Respuesta {hostile}"\n', encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        deck = export(cli, tmp_path, "--content-dir", str(folder))
    assert not [w for w in caught if "genanki" in str(w.filename) or "HTML" in str(w.message)]
    for language in LANGUAGES:
        note = deck.by_guid(genanki.guid_for("faq.hostile", language))
        for field in str(note[5]).split(FIELD_SEPARATOR):
            assert "<script>" not in field and "&lt;script&gt;" in field
            assert "{{" not in field and "&#123;&#123;c1::x&#125;&#125;" in field
            assert "a &amp; b" in field
        (card,) = [card for card in deck.cards if card[0] == note[0]]
        assert card[2] == 0


def _figure(sentence: str, amount: str) -> Figure:
    return Figure(id="stat.x", label="Things <counted>", sentence=sentence, value=1.0,
                  unit="count", amount=amount, qualifier="over", hedge="over", year=2020,
                  when="2020", source="Someone", source_id=None, credit="per {{Someone}}")


def _document(*rows: Figure) -> Document:
    return Document("Title", "en", (), (Section("stats", "Figures", (FigureTable(rows),)),))


def test_a_figure_whose_sentence_lacks_its_amount_is_a_plain_card() -> None:
    (note,) = anki.notes(_document(_figure("Many things counted (2020)", "1,000")))
    assert note.model == anki.BASIC
    front, back = note.fields
    assert "Things &lt;counted&gt; (2020)" in front
    assert "<b>1,000</b> (over, 2020)" in back and "per &#123;&#123;Someone&#125;&#125;" in back
    assert note.tags == ("stats", "binatsec", "lang::en")
    assert note.guid == genanki.guid_for("stat.x", "en")


def test_a_cloze_answer_cannot_open_a_hint_or_a_second_cloze() -> None:
    (note,) = anki.notes(_document(_figure("Over 1::2}} {{c2::y}} seen", "1::2}}")))
    text, _extra = note.fields
    assert note.model == anki.CLOZE
    assert "{{c1::1&#58;&#58;2&#125;&#125;}}" in text
    assert text.count("{{") == 1 and text.count("}}") == 1


@pytest.mark.parametrize("section", ["summary", "sources"])
def test_reading_sections_make_no_cards(cli: Callable[..., Run], tmp_path: Path,
                                        section: str) -> None:
    deck = export(cli, tmp_path, "--section", section)
    assert deck.notes == [] and len(deck.decks) == 2


def _collection(apkg: bytes, folder: Path) -> sqlite3.Connection:
    import io

    with zipfile.ZipFile(io.BytesIO(apkg)) as archive:
        (folder / "collection.anki2").write_bytes(archive.read("collection.anki2"))
    return sqlite3.connect(folder / "collection.anki2")


def test_each_deck_is_written_apart_and_merged_as_genanki_writes_them(
        corpus: Corpus, tmp_path: Path) -> None:
    """Each deck is written alone, its notes and cards then copied into the collection:
    the collection holds what genanki writes for both decks in one go (the same notes,
    cards and deck and note-type records), each deck's ids in a range of its own."""
    import itertools

    from binatsec.corpus import kinds
    from binatsec.document import reference

    documents = [reference(corpus, kinds.sections(), language) for language in LANGUAGES]
    (tmp_path / "ours").mkdir()
    (tmp_path / "genanki").mkdir()
    ours = _collection(anki.deck(documents), tmp_path / "ours")
    models = anki._models()
    when = anki.stamp()
    theirs = sqlite3.connect(tmp_path / "genanki" / "collection.anki2")
    decks = [anki._filled(lambda document=document: document, models) for document in documents]
    genanki.Package(decks).write_to_db(theirs.cursor(), when, itertools.count(when * 1000))
    theirs.commit()
    notes = "SELECT guid, mid, mod, usn, tags, flds, sfld, csum, flags, data FROM notes"
    cards = ("SELECT n.guid, c.did, c.ord, c.mod, c.usn, c.type, c.queue, c.due, c.ivl, "
             "c.factor, c.reps, c.lapses, c.left, c.odue, c.odid, c.flags, c.data "
             "FROM cards c JOIN notes n ON n.id = c.nid")
    col = "SELECT crt, mod, scm, ver, dty, usn, ls, conf, models, decks, dconf, tags FROM col"
    for query in (notes, cards, col):
        assert sorted(ours.execute(query).fetchall()) == sorted(theirs.execute(query).fetchall())
    for position, name in enumerate(map(anki.deck_name, LANGUAGES)):
        (did,) = [key for key, deck in json.loads(ours.execute("SELECT decks FROM col")
                                                  .fetchone()[0]).items()
                  if deck["name"] == name]
        low, high = ours.execute("SELECT min(n.id), max(c.id) FROM notes n JOIN cards c "
                                 "ON c.nid = n.id WHERE c.did = ?", (int(did),)).fetchone()
        start = when * 1000 + position * anki._SPAN
        assert start <= low <= high < start + anki._SPAN
    ours.close()
    theirs.close()


@pytest.mark.parametrize("child", ["works", "fails"])
def test_a_package_written_in_two_processes_is_the_same(
        corpus: Corpus, split_jobs: Callable[[str], list[Any]], child: str) -> None:
    """From forked.RECORDS_TO_SPLIT records a forked child writes the other language's deck
    meanwhile: the same bytes, whether it does or fails (then this process writes it)."""
    from binatsec.corpus import kinds
    from binatsec.document import Editions

    editions = Editions(corpus, kinds.sections(), LANGUAGES)
    alone = b"".join(anki.deck_pieces(editions))
    assert alone == anki.deck([editions.document(language) for language in LANGUAGES])
    started = split_jobs(child)
    assert b"".join(anki.deck_pieces(editions)) == alone
    assert len(started) == 1
