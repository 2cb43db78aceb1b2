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
"""

from __future__ import annotations

import hashlib
import html
import io
import itertools
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
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
    Entry,
    Figure,
    FigureTable,
    MythReality,
    Paragraph,
    Question,
    unreachable,
)
from binatsec.frozen import Frozen
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


def _deck(document: Document, models: dict[str, Any]) -> Any:
    import genanki

    name = deck_name(document.language)
    description = "".join(f"<p>{_escaped(text)}</p>" for text in
                          (document.title, *(p.text for p in document.introduction)))
    deck = genanki.Deck(deck_id(name), name, description=description)
    for position, note in enumerate(notes(document), start=1):
        # `due` orders new cards: they come in the document's order.
        deck.add_note(genanki.Note(model=models[note.model], fields=list(note.fields),
                                   tags=list(note.tags), guid=note.guid, due=position))
    return deck


def _zipped(collection: bytes) -> bytes:
    """The .apkg: the collection and an empty media list, dated 1980 so the bytes are the
    same on every run (genanki's own writer dates them now)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (("collection.anki2", collection), ("media", b"{}")):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def deck(editions: Sequence[Document]) -> bytes:
    """An Anki package (.apkg) with a deck per edition, the first edition's deck first."""
    import genanki

    models = _models()
    package = genanki.Package([_deck(document, models) for document in editions])
    when = stamp()
    with tempfile.TemporaryDirectory(prefix="binatsec-anki-") as folder:
        path = Path(folder) / "collection.anki2"
        connection = sqlite3.connect(path)
        try:
            # genanki's write_to_file would date the zip now and leave its database behind.
            package.write_to_db(connection.cursor(), when, itertools.count(when * 1000))
            connection.commit()
        finally:
            connection.close()
        return _zipped(path.read_bytes())
