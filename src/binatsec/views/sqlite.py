"""The records as an SQLite database, for analysts (`export --format sqlite`).

Built from the kinds registry, so a new kind gets its table with no code here:

- a table per kind (named as the kind), `id` its primary key; a text field is two columns,
  `<field>_en` and `<field>_es` (NULL where the content has no text in that language); each
  value the kind works out (a figure's sentence, an event's date as it reads) is two more,
  in place of a field of the same name, as JSON gives it; a number, year or flag has its
  SQLite type; a list of ids is a JSON array (the `links` table has them one per row);
- `records` (id, kind, origin: "bundled" or the user's file): every record the database
  holds or links to (a record outside the chosen sections brings its id, not its text),
  and `links` (from_id, field, position, to_id): every link, both ends foreign keys to
  `records`. A field naming one kind's records (a figure's category, the source a
  record credits) is also a foreign key to that kind's table, which is then written too;
- `text_en` and `text_es` (id, kind, title, body) with FTS5 full-text search: English
  with Porter stemming, both without diacritics, so `merida` finds "Mérida";
- `metadata` (key, value): versions, languages, what the figures are.

Both languages always: `--lang` chooses no columns. The same corpus gives the same file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from binatsec import __version__
from binatsec.corpus import kinds, spec
from binatsec.corpus.kinds import Kind
from binatsec.corpus.records import LANGUAGES, Corpus, Record, Text
from binatsec.i18n import _, ngettext, speaking

if TYPE_CHECKING:
    from sqlite_utils import Database

    from binatsec.corpus.spec import Field
    from binatsec.results import Export

# The tokenizer of each language's full-text index: English words are stemmed ("seizures"
# finds "seizure"); accents are dropped in both, as people type "merida" for "Mérida".
TOKENIZERS = {"en": "porter unicode61 remove_diacritics 2",
              "es": "unicode61 remove_diacritics 2"}
# The SQLite type a field's value is stored as, by the check that reads it; any other check
# gives text (a plain string, an id, a unit or qualifier).
_TYPES: dict[Callable[..., Any], type] = {
    spec.number: float, spec.year: int, spec.positive: int, spec.boolean: int,
}
# The field that names the record a record credits: a foreign key to the kind whose records
# are credited (kinds.Kind.credited: the sources).
ATTRIBUTION = "attribution"


def database(export: Export) -> bytes:
    """The SQLite file of the export's kinds, as bytes."""
    import sqlite3
    import tempfile

    from sqlite_utils import Database

    with tempfile.TemporaryDirectory(prefix="binatsec-sqlite-") as folder:
        path = Path(folder) / "binatsec.db"
        connection = sqlite3.connect(path)
        # A file built in a private folder and read back whole: nothing to recover if the
        # run dies, so no journal on disk and no waiting for the disk after each batch of
        # rows (sqlite-utils commits every hundred; 13 s of 70,000 records went there).
        connection.execute("PRAGMA journal_mode = MEMORY")
        connection.execute("PRAGMA synchronous = OFF")
        try:
            _fill(Database(connection), export.corpus, _written(export.sections))
            connection.commit()
            connection.execute("VACUUM")
        finally:
            connection.close()
        return path.read_bytes()


def _written(chosen: Sequence[Kind]) -> list[Kind]:
    """The chosen kinds, and those their foreign keys name (a figure's categories and
    sources), in the registry's order: a table's references always resolve."""
    wanted = {kind.name for kind in chosen}
    wanted.update(target.name for kind in chosen for _field, target in _references(kind))
    return [kind for kind in kinds.all_kinds() if kind.name in wanted]


def _references(kind: Kind) -> list[tuple[Field, Kind]]:
    """Each field of `kind` that names records of one kind, with that kind."""
    credited = next((k for k in kinds.all_kinds() if k.credited), None)
    found = []
    for field in kind.links:
        target = (credited if field.name == ATTRIBUTION and field.link == "any"
                  else kinds.get(field.link or ""))
        if target is not None and field.check is not spec.ids:
            found.append((field, target))
    return found


def _fill(db: Database, corpus: Corpus, written: Sequence[Kind]) -> None:
    chosen = [record for kind in written for record in corpus.of(kind.name)]
    held = {record.id for record in chosen}
    targets = sorted({target for record in chosen for _field, _at, target in _links(record)}
                     - held)
    everything = chosen + [found for found in map(corpus.get, targets) if found is not None]

    metadata = db.table("metadata")
    metadata.create({"key": str, "value": str}, pk="key")
    metadata.insert_all(_metadata(corpus, written))

    index = db.table("records")
    index.create({"id": str, "kind": str, "origin": str}, pk="id", not_null=["id", "kind"])
    index.insert_all(_index_row(record, corpus) for record in everything)

    for kind in _creation_order(written):
        _kind_table(db, kind, corpus.of(kind.name))

    links = db.table("links")
    links.create({"from_id": str, "field": str, "position": int, "to_id": str},
                 pk=("from_id", "field", "position"), not_null=["to_id"],
                 foreign_keys=[("from_id", "records", "id"), ("to_id", "records", "id")])
    links.insert_all({"from_id": record.id, "field": name, "position": at, "to_id": to}
                     for record in chosen for name, at, to in _links(record))
    links.create_index(["to_id"])

    for language in LANGUAGES:
        table = db.table(f"text_{language}")
        table.create({"id": str, "kind": str, "title": str, "body": str}, pk="id",
                     foreign_keys=[("id", "records", "id")])
        with speaking(language):  # a headline's label ("Myth") in the text's language
            table.insert_all(_text_row(record, language) for record in chosen)
        table.enable_fts(["title", "body"], fts_version="FTS5",
                         tokenize=TOKENIZERS.get(language, TOKENIZERS["es"]))


def _creation_order(written: Sequence[Kind]) -> list[Kind]:
    """Kinds whose tables others' foreign keys name first (SQLite takes either order, but
    a reader of the schema meets a table before the keys that point at it)."""
    named = {target.name for kind in written for _field, target in _references(kind)}
    return sorted(written, key=lambda kind: kind.name not in named)


def _metadata(corpus: Corpus, written: Sequence[Kind]) -> list[dict[str, str]]:
    from binatsec.views.json import SCHEMA_VERSION

    notes = {}
    for language in LANGUAGES:
        with speaking(language):
            notes[f"note_{language}"] = _note(corpus)
    values = {"binatsec_version": __version__, "schema_version": SCHEMA_VERSION,
              "languages": ",".join(LANGUAGES),
              "tables": ",".join(kind.name for kind in written), **notes}
    return [{"key": key, "value": value} for key, value in values.items()]


def _note(corpus: Corpus) -> str:
    """Where the records come from, as the overview says it."""
    yours = corpus.origins()
    if not yours:
        return _("All content is drawn from one source article; figures are reported as the "
                 "article gives them.")
    folders = sorted({str(Path(path).parent) for path in yours.values()})
    return ngettext(
        "The bundled content is drawn from one source article; {count} record comes "
        "from your folder ({folders}), not the article.",
        "The bundled content is drawn from one source article; {count} records come "
        "from your folder ({folders}), not the article.", len(yours)).format(
            count=len(yours), folders=", ".join(folders))


def _kind_of(record: Record) -> Kind:
    kind = kinds.of_record(record)
    if kind is None:  # pragma: no cover - every record the corpus holds has its kind
        raise ValueError(f"no kind for record {record.id}")
    return kind


def _index_row(record: Record, corpus: Corpus) -> dict[str, Any]:
    return {"id": record.id, "kind": _kind_of(record).name,
            "origin": corpus.origin(record.id) or "bundled"}


def _links(record: Record) -> list[tuple[str, int, str]]:
    """Every id a record's link fields name: (field, place in the field from 0, id)."""
    values = record._asdict()
    found = []
    for field in _kind_of(record).links:
        value = values.get(field.name)
        named = value if isinstance(value, tuple) else () if value is None else (value,)
        found += [(field.name, at, str(to)) for at, to in enumerate(named)]
    return found


def _columns(kind: Kind) -> dict[str, type]:
    """The table's columns and their types, from the kind's declaration."""
    derived = {value.name for value in kind.derived}
    columns: dict[str, type] = {}
    for field in kind.fields:
        if field.check is spec.text or field.name in derived:
            columns.update((f"{field.name}_{language}", str) for language in LANGUAGES)
        elif field.check in _TYPES:
            columns[field.name] = _TYPES[field.check]
        else:
            columns[field.name] = str
    for value in kind.derived:
        columns.update((f"{value.name}_{language}", str) for language in LANGUAGES)
    return columns


def _kind_table(db: Database, kind: Kind, records: Sequence[Record]) -> None:
    columns = _columns(kind)
    keys = [(field.name, target.name, "id") for field, target in _references(kind)]
    db.table(kind.name).create(columns, pk="id", foreign_keys=keys or None, not_null=["id"])
    db.table(kind.name).insert_all(_row(kind, record) for record in records)


def _row(kind: Kind, record: Record) -> dict[str, Any]:
    """A record's columns, as `_columns` declares them."""
    values = record._asdict()
    row: dict[str, Any] = {}
    for field in kind.fields:
        value = values.get(field.name)
        if field.check is spec.text:
            text = value.as_dict() if isinstance(value, Text) else {}
            row.update((f"{field.name}_{language}", text.get(language))
                       for language in LANGUAGES)
        elif isinstance(value, tuple):
            row[field.name] = json.dumps(list(value), ensure_ascii=False)
        elif isinstance(value, bool):
            row[field.name] = int(value)
        elif value is None or isinstance(value, (int, float, str)):
            row[field.name] = value
        else:
            row[field.name] = str(value)
    for derived in kind.derived:  # in place of a field of the same name, as JSON gives it
        row.pop(derived.name, None)
        for language in LANGUAGES:
            with speaking(language):
                row[f"{derived.name}_{language}"] = derived.value(record, language)
    return row


def _text_row(record: Record, language: str) -> dict[str, Any]:
    """A record's text in one language, for its full-text index: the line it is shown
    under, then every other text a search reads in it."""
    kind = _kind_of(record)
    body = [text for name, text, _weight in kind.searchable(record, language)
            if name != kind.headline and text]
    return {"id": record.id, "kind": kind.name, "title": kind.headline_text(record, language),
            "body": "\n".join(body)}
