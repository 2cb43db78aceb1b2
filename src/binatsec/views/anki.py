"""The Anki deck (`export --format anki`): flash cards walked from the document model.

One deck per edition ("binatsec::English", "binatsec::Español"), each card's words in its
deck's language. Cards: a FAQ question and its answer; a myth to call ("Myth or fact?") and
the reality; each figure as a cloze on its amount inside the sentence that reports it (the
article's hedge stays visible), or a plain card when the amount is not found in the sentence;
a dated event's title and its date; a pillar and what it means. Skipped, as reading rather
than recall: the summary, cooperation areas, outlook, criticisms, actions and sources, and a
worksheet's blocks.

What keeps a re-import an update rather than a second copy: note GUIDs come from record id
and language, and deck and note-type ids are constants. The bytes are the same for the same
content and binatsec version: genanki is given a fixed time (one that grows with the version,
so that Anki, which updates a note only from a newer one, takes a new release's text) and the
zip is written with fixed dates. Field text is HTML in Anki: content is escaped, and its
braces too, so no text of the content can make a cloze or a template field.

The first deck is written into the collection; each other deck is written alone (by a
forked child, from forked.RECORDS_TO_SPLIT records), then its notes and cards are copied in, and
genanki records its deck and note types as it would have. Each deck's note and card ids
have a range of their own, so both ways give the same bytes.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import re
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from functools import partial
from pathlib import Path
from typing import Any

from binatsec import __version__
from binatsec.document import (
    AnswerKey,
    Block,
    Command,
    DatedEvent,
    Definition,
    DefinitionList,
    Document,
    Editions,
    Entry,
    Figure,
    FigureTable,
    MythReality,
    Paragraph,
    Question,
    unreachable,
)
from binatsec.frozen import Frozen, building_many
from binatsec.i18n import N_, _, speaking
from binatsec.textsafety import safe_text

ROOT_DECK = "binatsec"
# Each deck is named in its own language, whatever the run's: the name is the deck's identity.
DECK_LANGUAGES = {"en": "English", "es": "Español"}
# Anki keys note types by id: changing one orphans every card made with it.
BASIC_MODEL_ID = 1273181622
CLOZE_MODEL_ID = 1513869980
BASIC, CLOZE = "basic", "cloze"
# Entries that make cards, by section; myths, events and figures make theirs in any section.
CARDED_ENTRIES = ("faq", "pillars")
FIGURE_SECTION = "stats"

MYTH_OR_FACT = N_("Myth or fact?")

_EPOCH = 1_704_067_200  # 2024-01-01 UTC: the time stamped on notes is this plus the version's
# The ids a deck may use (a note and its card take one each): each deck has its own range.
_SPAN = 10_000_000
# Deflate's fastest level: 70,000 records' collection, 66 MB, zips in 0.2 s to 7.1 MB
# (the default level, 6: 0.5 s, to 5.6 MB).
_ZIP_LEVEL = 1
# The bytes of the package written out at a time.
_PIECE = 1 << 20


_CSS = """\
.card { font-family: system-ui, sans-serif; font-size: 20px; line-height: 1.4;
        text-align: left; max-width: 40em; margin: 0 auto; }
.ask, .when { font-size: 0.8em; opacity: 0.75; }
.verdict { font-weight: bold; }
.credit, .id { font-size: 0.7em; opacity: 0.7; }
.id { font-family: monospace; }
.cloze { font-weight: bold; }
"""


class Note(Frozen):
    """A note as Anki stores it: fields are HTML, already escaped."""

    guid: str
    model: str  # BASIC or CLOZE
    fields: tuple[str, str]  # Front and Back, or Text and Back Extra
    tags: tuple[str, ...]


# --- field text ---------------------------------------------------------------------------------


def _escaped(text: str) -> str:
    """Content as HTML text: markup escaped, and braces, so that "{{c1::x}}" or "{{Back}}"
    in the content stays text (Anki reads clozes and fields in the raw field)."""
    text = html.escape(safe_text(text), quote=True)
    return text.replace("{", "&#123;").replace("}", "&#125;").replace("\n", "<br>")


def _in_language(language: str, inner: str) -> str:
    # Lets a screen reader or Anki's text-to-speech read the card in its language.
    return f'<div lang="{html.escape(language, quote=True)}">{inner}</div>'


def _body(block: Entry | MythReality | DatedEvent) -> str:
    parts = []
    for text in block.body:
        label = f"<b>{_escaped(text.label)}:</b> " if isinstance(text, Definition) else ""
        parts.append(f"<p>{label}{_escaped(text.text)}</p>")
    return "".join(parts)


def _figures(figures: Sequence[Figure]) -> str:
    if not figures:
        return ""
    items = "".join(f'<li>{_escaped(f.sentence)} <span class="credit">({_escaped(f.credit)})'
                    "</span></li>" for f in figures)
    return f'<ul class="figures">{items}</ul>'


def _record_id(record_id: str) -> str:
    return f'<div class="id">{_escaped(record_id)}</div>'


# --- notes --------------------------------------------------------------------------------------


def guid(record_id: str, language: str) -> str:
    """A note's GUID: the same record in the same language is the same note, in any export."""
    import genanki  # type: ignore[import-untyped]

    return str(genanki.guid_for(record_id, language))


def _tags(section: str, language: str) -> tuple[str, ...]:
    # Anki splits tags on spaces; a kind's name has none, but a tag must never break in two.
    return (re.sub(r"\s+", "_", section), ROOT_DECK, f"lang::{language}")


def _basic(record_id: str, front: str, back: str, section: str, language: str) -> Note:
    return Note(guid(record_id, language), BASIC,
                (_in_language(language, front), _in_language(language, back + _record_id(
                    record_id))), _tags(section, language))


def _entry(block: Entry, section: str, language: str) -> Note:
    return _basic(block.id, _escaped(block.headline), _body(block) + _figures(block.figures),
                  section, language)


def _myth(block: MythReality, section: str, language: str) -> Note:
    # No _() inside an f-string: Python 3.12's tokenizer shows the catalog's extractor the
    # calls inside one, 3.11's does not, and the catalog must be the same on both.
    ask, myth, reality, fact = _(MYTH_OR_FACT), _("Myth"), _("Reality"), _("Fact")
    front = f'<div class="ask">{_escaped(ask)}</div><p>{_escaped(block.myth)}</p>'
    back = (f'<div class="verdict">{_escaped(myth)}</div>'
            f"<p><b>{_escaped(reality)}:</b> {_escaped(block.reality)}</p>"
            f"<p><b>{_escaped(fact)}:</b> {_escaped(block.fact)}</p>"
            + _figures(block.figures))
    return _basic(block.id, front, back, section, language)


def _event(block: DatedEvent, section: str, language: str) -> Note:
    back = f'<div class="when">{_escaped(block.when)}</div>' + _body(block)
    return _basic(block.id, _escaped(block.title), back + _figures(block.figures), section,
                  language)


def _figure(figure: Figure, section: str, language: str) -> Note:
    """A cloze on the amount inside the figure's sentence, its hedge left in view; a plain
    card (what is counted, then the amount, hedge, period and credit) when the sentence
    does not hold the amount as written."""
    sentence, amount = safe_text(figure.sentence), safe_text(figure.amount)
    at = sentence.find(amount) if amount.strip() else -1
    credit = f'<p class="credit">{_escaped(figure.credit)}</p>'
    if at < 0:
        front = _escaped(figure.label) + (f" ({_escaped(figure.when)})" if figure.when else "")
        detail = ", ".join(_escaped(part) for part in (figure.hedge, figure.when) if part)
        back = f"<p><b>{_escaped(amount)}</b> ({detail})</p>{credit}"
        return _basic(figure.id, front, back, section, language)
    # A colon inside the cloze would read as the start of a hint ("{{c1::answer::hint}}").
    answer = _escaped(amount).replace(":", "&#58;")
    text = (_escaped(sentence[:at]) + "{{c1::" + answer + "}}"
            + _escaped(sentence[at + len(amount):]))
    return Note(guid(figure.id, language), CLOZE,
                (_in_language(language, text),
                 _in_language(language, credit + _record_id(figure.id))),
                _tags(section, language))


def _block(block: Block, section: str, language: str) -> Iterator[Note]:
    match block:
        case Entry():
            if section in CARDED_ENTRIES:
                yield _entry(block, section, language)
        case MythReality():
            yield _myth(block, section, language)
        case DatedEvent():
            yield _event(block, section, language)
        case FigureTable():
            if section == FIGURE_SECTION:
                yield from (_figure(row, section, language) for row in block.rows)
        case Paragraph() | DefinitionList() | Command() | Question() | AnswerKey():
            pass  # prose and worksheets: nothing to recall
        case _:
            unreachable(block)


def notes(document: Document) -> tuple[Note, ...]:
    """The notes of one edition, in the document's order, their words in its language."""
    with speaking(document.language):
        return tuple(note for section in document.sections for block in section.blocks
                     for note in _block(block, section.name, document.language))


# --- the package --------------------------------------------------------------------------------


def deck_name(language: str) -> str:
    return f"{ROOT_DECK}::{DECK_LANGUAGES.get(language, language)}"


def deck_id(name: str) -> int:
    """A deck's id, fixed by its name (Anki's ids are 64-bit; genanki suggests 2**30..2**31)."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


def stamp(version: str = __version__) -> int:
    """The time stamped on notes, note types and cards: fixed for a version, later for a
    later one (a minute a patch release), since Anki updates a note only from a newer one."""
    major, minor, patch = ([int(part) for part in re.findall(r"\d+", version)[:3]] + [0, 0])[:3]
    return _EPOCH + ((major * 1000 + minor) * 1000 + patch) * 60


def _models() -> dict[str, Any]:
    import genanki

    basic = genanki.Model(
        BASIC_MODEL_ID, "binatsec basic",
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[{"name": "Card 1", "qfmt": "{{Front}}",
                    "afmt": '{{FrontSide}}<hr id="answer">{{Back}}'}],
        css=_CSS)
    cloze = genanki.Model(
        CLOZE_MODEL_ID, "binatsec cloze",
        fields=[{"name": "Text"}, {"name": "Back Extra"}],
        templates=[{"name": "Cloze", "qfmt": "{{cloze:Text}}",
                    "afmt": "{{cloze:Text}}<br>{{Back Extra}}"}],
        css=_CSS, model_type=genanki.Model.CLOZE)
    return {BASIC: basic, CLOZE: cloze}


def _deck(cover: Document) -> Any:
    """The deck of `cover`'s language, its notes not yet added: its name, id and
    description (the document's title and introduction)."""
    import genanki

    name = deck_name(cover.language)
    description = "".join(f"<p>{_escaped(text)}</p>" for text in
                          (cover.title, *(p.text for p in cover.introduction)))
    return genanki.Deck(deck_id(name), name, description=description)


def _filled(make: Callable[[], Document], models: dict[str, Any]) -> Any:
    """The deck of the document `make` gives, with its notes (the document let go once
    they are made: 70,000 records' edition is tens of MB)."""
    import genanki

    document = make()
    deck = _deck(document)
    with building_many():  # tens of thousands of notes, none in a cycle
        made = notes(document)
        del document
        for position, note in enumerate(made, start=1):
            # `due` orders new cards: they come in the document's order.
            deck.add_note(genanki.Note(model=models[note.model], fields=list(note.fields),
                                       tags=list(note.tags), guid=note.guid, due=position))
    return deck


def _ids(position: int, when: int) -> Iterator[int]:
    """The ids of the notes and cards of the deck at `position` (from 0): each deck has a
    range of its own, so that each can be written apart (by another process) with the ids
    it would have anyway. Anki reads them as times in ms: the first deck's start at `when`."""
    return itertools.count(when * 1000 + position * _SPAN)


def _write(deck: Any, cursor: sqlite3.Cursor, position: int, when: int) -> None:
    """genanki's package of `deck` (the one at `position`) written through `cursor`."""
    import genanki

    ids = _ids(position, when)
    genanki.Package([deck]).write_to_db(cursor, when, ids)
    if next(ids) > when * 1000 + (position + 1) * _SPAN:
        raise ValueError(f"deck {position} needs more than {_SPAN:,} ids: they would run "
                         "into the next deck's")


def _part(path: Path, make: Callable[[], Document], position: int, models: dict[str, Any],
          when: int) -> None:
    """The deck of the document `make` gives (the one at `position`) written alone, as a
    collection at `path` whose notes and cards `_merged` then copies in."""
    deck = _filled(make, models)
    with closing(sqlite3.connect(path)) as connection:
        _quick(connection)
        _write(deck, connection.cursor(), position, when)
        connection.commit()


def _merged(cursor: sqlite3.Cursor, part: Path, cover: Document, position: int,
            models: dict[str, Any], when: int) -> None:
    """The notes and cards of the deck written alone at `part` copied in, and the deck and
    the note types it uses recorded in the collection as genanki records them (by genanki:
    the same deck, its notes left out, with the note types it used in their order)."""
    alias = f"part{position}"  # attached until the connection closes: a transaction read it
    cursor.connection.commit()  # older SQLite attaches no file inside a transaction
    cursor.execute(f"ATTACH DATABASE ? AS {alias}", (str(part),))
    for table in ("notes", "cards"):
        cursor.execute(f"INSERT INTO main.{table} SELECT * FROM {alias}.{table} ORDER BY id")
    (used,) = cursor.execute(f"SELECT models FROM {alias}.col").fetchone()
    deck = _deck(cover)
    by_id = {str(model.model_id): model for model in models.values()}
    for model_id in json.loads(used):
        deck.add_model(by_id[model_id])
    deck.write_to_db(cursor, when, _ids(position, when))


def _quick(connection: sqlite3.Connection) -> None:
    # A file in a private folder, zipped once complete: nothing to recover if the run dies.
    connection.execute("PRAGMA journal_mode = MEMORY")
    connection.execute("PRAGMA synchronous = OFF")


def _zipped(collection: Path, into: Path) -> None:
    """The .apkg at `into`: the collection, read from its file as it is zipped, and an
    empty media list, dated 1980 so the bytes are the same on every run (genanki's own
    writer dates them now)."""
    with zipfile.ZipFile(into, "w") as archive:
        with collection.open("rb") as read, archive.open(
                _zip_entry("collection.anki2", collection.stat().st_size), "w") as write:
            shutil.copyfileobj(read, write, _PIECE)
        with archive.open(_zip_entry("media", 2), "w") as write:
            write.write(b"{}")


def _zip_entry(name: str, size: int) -> zipfile.ZipInfo:
    """A file of the package: fixed date and mode, deflated at `_ZIP_LEVEL`."""
    entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = 0o644 << 16
    entry.file_size = size  # known before writing: zip64 only if it needs it
    # An entry's level: `compress_level` from Python 3.13, `_compresslevel` before (and an
    # alias of it since); ZipFile.open would otherwise deflate at zlib's default.
    try:
        entry.compress_level = _ZIP_LEVEL  # type: ignore[attr-defined]
    except AttributeError:
        entry._compresslevel = _ZIP_LEVEL  # type: ignore[attr-defined]
    return entry


def deck(editions: Sequence[Document]) -> bytes:
    """An Anki package (.apkg) with a deck per edition, the first edition's deck first."""
    made: list[Callable[[], Document]] = [partial(_as_made, document) for document in editions]
    return b"".join(_package(editions, made, beside=False))


def _as_made(document: Document) -> Document:
    """A document already built, given where `_package` asks for one to be built."""
    return document


def deck_pieces(editions: Editions) -> Iterator[bytes]:
    """`deck` of the export's documents, in pieces, each document built by the process
    that writes its deck: from forked.RECORDS_TO_SPLIT records, a forked child writes the
    other languages' decks meanwhile."""
    from binatsec import forked

    covers = [editions.cover(language) for language in editions.languages]
    beside = len(covers) > 1 and forked.worth_splitting(editions.size())
    return _package(covers, [partial(editions.document, language)
                             for language in editions.languages], beside)


def _package(covers: Sequence[Document], documents: Sequence[Callable[[], Document]],
             beside: bool) -> Iterator[bytes]:
    """The .apkg of a deck per document (`covers` their titles and languages), in pieces:
    the first written into the collection here, the others each alone (by a forked child
    if `beside`), then merged in."""

    from binatsec import forked
    from binatsec.fileio import SqliteFileErrors

    models = _models()
    when = stamp()
    # Written here, then zipped with fixed dates: genanki's write_to_file would date the zip
    # now and leave its database behind.
    with SqliteFileErrors(), tempfile.TemporaryDirectory(prefix="binatsec-anki-") as named:
        folder = Path(named)
        parts = [folder / f"deck-{position}.anki2" for position in range(1, len(covers))]

        def write_parts() -> None:
            for position, part in enumerate(parts, start=1):
                part.unlink(missing_ok=True)  # what a failed child left
                _part(part, documents[position], position, models, when)

        child = forked.Child(lambda _unused: write_parts()) if beside and parts else None
        try:
            collection = folder / "collection.anki2"
            with closing(sqlite3.connect(collection)) as connection:
                _quick(connection)
                cursor = connection.cursor()
                first = _filled(documents[0], models)
                _write(first, cursor, 0, when)
                del first  # its notes are written
                if parts and (child is None or not child.succeeded()):
                    write_parts()
                for position, part in enumerate(parts, start=1):
                    _merged(cursor, part, covers[position], position, models, when)
                connection.commit()
        finally:
            if child is not None:
                child.end()
        apkg = folder / "binatsec.apkg"
        _zipped(collection, apkg)
        with apkg.open("rb") as package:
            yield from iter(lambda: package.read(_PIECE), b"")
