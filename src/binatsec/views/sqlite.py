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
from collections.abc import Callable, Iterable, Iterator, Sequence
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
# The bytes of the file written out at a time.
_PIECE = 1 << 20


def database(export: Export) -> bytes:
    """The SQLite file of the export's kinds, as bytes."""
    return b"".join(database_pieces(export))


def database_pieces(export: Export) -> Iterator[bytes]:
    """The SQLite file of the export's kinds, in pieces read from the file as it is written
    out (to stdout): a database of 70,000 records is 150 MB, never held whole."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="binatsec-sqlite-") as folder:
        path = Path(folder) / "binatsec.db"
        database_file(export, path)
        with path.open("rb") as built:
            yield from iter(lambda: built.read(_PIECE), b"")


def database_file(export: Export, path: Path) -> None:
    """The SQLite file of the export's kinds, made at `path` (new, or an empty file)."""
    import sqlite3

    from sqlite_utils import Database

    connection = sqlite3.connect(path, isolation_level=None)
    # A new file that replaces its target only once complete (fileio.atomic_build): nothing
    # to recover if the run dies, so no journal on disk (nor a file beside the user's), no
    # waiting for the disk, and one transaction. Nothing is deleted, so there is nothing
    # for VACUUM to reclaim but FTS5's merged segments (about 1%, and a second copy of the
    # whole file to write).
    connection.execute("PRAGMA journal_mode = MEMORY")
    connection.execute("PRAGMA synchronous = OFF")
    try:
        connection.execute("BEGIN")
        _fill(Database(connection), export.corpus, _written(export.sections))
        connection.execute("COMMIT")
    finally:
        connection.close()


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
    shelves = [(kind, corpus.of(kind.name)) for kind in written]
    links = [(record.id, name, at, to) for kind, chosen in shelves for record in chosen
             for name, at, to in _links(kind, record)]
    held = {record.id for _kind, chosen in shelves for record in chosen}
    targets = sorted({link[3] for link in links} - held)
    outside = [found for found in map(corpus.get, targets) if found is not None]

    metadata = {"key": str, "value": str}
    db.table("metadata").create(metadata, pk="key")
    _insert(db, "metadata", metadata, _metadata(corpus, written))

    index = {"id": str, "kind": str, "origin": str}
    db.table("records").create(index, pk="id", not_null=["id", "kind"])
    origins = corpus.origins()
    _insert(db, "records", index, (
        (record.id, kind.name, origins.get(record.id) or "bundled")
        for kind, record in [(kind, record) for kind, chosen in shelves for record in chosen]
        + [(_kind_of(record), record) for record in outside]))

    for kind in _creation_order(written):
        _kind_table(db, kind, corpus.of(kind.name))

    columns = {"from_id": str, "field": str, "position": int, "to_id": str}
    db.table("links").create(
        columns, pk=("from_id", "field", "position"), not_null=["to_id"],
        foreign_keys=[("from_id", "records", "id"), ("to_id", "records", "id")])
    _insert(db, "links", columns, links)
    db.table("links").create_index(["to_id"])

    text = {"id": str, "kind": str, "title": str, "body": str}
    for language in LANGUAGES:
        table = db.table(f"text_{language}")
        table.create(text, pk="id", foreign_keys=[("id", "records", "id")])
        with speaking(language):  # a headline's label ("Myth") in the text's language
            _insert(db, table.name, text, (row for kind, chosen in shelves
                                            for row in _text_rows(kind, chosen, language)))
        table.enable_fts(["title", "body"], fts_version="FTS5",
                         tokenize=TOKENIZERS.get(language, TOKENIZERS["es"]))


def _insert(db: Database, table: str, columns: Iterable[str],
            rows: Iterable[Sequence[Any]]) -> None:
    """Each row's values, in the order of `columns`, into `table`: one statement for
    them all (sqlite-utils' `insert_all` works out each row's columns again, two thirds of
    70,000 records' time)."""
    names = ", ".join(f"[{name}]" for name in columns)
    places = ", ".join("?" for _name in columns)
    db.conn.executemany(f"INSERT INTO [{table}] ({names}) VALUES ({places})", rows)


def _creation_order(written: Sequence[Kind]) -> list[Kind]:
    """Kinds whose tables others' foreign keys name first (SQLite takes either order, but
    a reader of the schema meets a table before the keys that point at it)."""
    named = {target.name for kind in written for _field, target in _references(kind)}
    return sorted(written, key=lambda kind: kind.name not in named)


def _metadata(corpus: Corpus, written: Sequence[Kind]) -> list[tuple[str, str]]:
    from binatsec.views.json import SCHEMA_VERSION

    notes = {}
    for language in LANGUAGES:
        with speaking(language):
            notes[f"note_{language}"] = _note(corpus)
    values = {"binatsec_version": __version__, "schema_version": SCHEMA_VERSION,
              "languages": ",".join(LANGUAGES),
              "tables": ",".join(kind.name for kind in written), **notes}
    return list(values.items())


def _note(corpus: Corpus) -> str:
    """Where the records come from, as the overview says it."""
    yours = corpus.origins()
    if not yours:
        return _("All content is drawn from one source article; figures are reported as the "
                 "article gives them.")
    folders = sorted({str(Path(path).parent) for path in set(yours.values())})
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


def _links(kind: Kind, record: Record) -> list[tuple[str, int, str]]:
    """Every id a record's link fields name: (field, place in the field from 0, id)."""
    found = []
    for field in kind.links:
        value = getattr(record, field.name, None)
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
    _insert(db, kind.name, columns, _rows(kind, columns, records))


def _rows(kind: Kind, columns: Iterable[str],
          records: Sequence[Record]) -> Iterator[tuple[Any, ...]]:
    """Each record's values, in the order of `columns` (as `_columns` declares them). Made
    a column at a time: a derived value is worked out in its language once per column, not
    once per record."""
    made: dict[str, list[Any]] = {}
    derived = {value.name for value in kind.derived}
    for field in kind.fields:
        if field.name in derived:  # a derived value stands in for it, as JSON gives it
            continue
        values = [getattr(record, field.name, None) for record in records]
        if field.check is spec.text:
            for language in LANGUAGES:
                made[f"{field.name}_{language}"] = [
                    getattr(value, language) if isinstance(value, Text) else None
                    for value in values]
        else:
            made[field.name] = list(map(_plain, values))
    for value in kind.derived:
        for language in LANGUAGES:
            with speaking(language):
                made[f"{value.name}_{language}"] = [value.value(record, language)
                                                    for record in records]
    return zip(*(made[column] for column in columns), strict=True)


def _plain(value: object) -> object:
    """A field's value as SQLite stores it: a list of ids as a JSON array, a flag as 0 or 1."""
    if isinstance(value, tuple):
        return json.dumps(list(value), ensure_ascii=False)
    if isinstance(value, bool):
        return int(value)
    if value is None or isinstance(value, (int, float, str)):
        return value
    return str(value)


def _text_rows(kind: Kind, records: Sequence[Record],
               language: str) -> Iterator[tuple[str, str, str, str]]:
    """Each record's text in one language, for its full-text index: the line it is shown
    under, then every other text a search reads in it."""
    for record in records:
        body = [text for name, text, _weight in kind.searchable(record, language)
                if name != kind.headline and text]
        yield record.id, kind.name, kind.headline_text(record, language), "\n".join(body)
