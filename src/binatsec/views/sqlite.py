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
from contextlib import contextmanager
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from binatsec import __version__
from binatsec.corpus import kinds, spec
from binatsec.corpus.kinds import Kind
from binatsec.corpus.records import LANGUAGES, Corpus, Record, Text
from binatsec.frozen import Frozen
from binatsec.i18n import _, ngettext, speaking

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.db import Table as SqliteTable

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
    """The SQLite file of the export's kinds, in pieces read from the finished file in a
    private folder (for stdout): a database of 70,000 records is 150 MB, never held whole."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="binatsec-sqlite-") as folder:
        path = Path(folder) / "binatsec.db"
        database_file(export, path)
        with path.open("rb") as built:
            yield from iter(lambda: built.read(_PIECE), b"")


def database_file(export: Export, path: Path) -> None:
    """The SQLite file of the export's kinds, made at `path` (new, or an empty file).

    In two parts: this process makes the text tables and their full-text search, while
    the records, the kinds' tables and the links are made into a second file (by a forked
    child, from forked.RECORDS_TO_SPLIT records), then copied in. Either way the same steps
    make the same file."""
    import tempfile

    from binatsec import forked
    from binatsec.fileio import SqliteFileErrors

    made = _Made(export.corpus, _written(export.sections))
    tables = _tables(made.written)
    beside = [table for table in tables if table.beside]
    with SqliteFileErrors(), tempfile.TemporaryDirectory(prefix="binatsec-sqlite-") as folder:
        part = Path(folder) / "part.db"
        child = (forked.Child(lambda _unused: _build(part, beside, made))
                 if forked.worth_splitting(made.count) else None)
        try:
            with _opened(path) as db:
                for table in tables:
                    _create(db, table)
                for table in tables:
                    if not table.beside:
                        _fill(db, table, made)
                if child is None or not child.succeeded():
                    part.unlink(missing_ok=True)  # what a failed child left
                    _build(part, beside, made)
                _copy(db, part, beside)
        finally:
            if child is not None:
                child.end()


@contextmanager
def _opened(path: Path) -> Iterator[Database]:
    """The database at `path`, in one transaction committed when the block ends well."""
    import sqlite3

    from sqlite_utils import Database

    connection = sqlite3.connect(path, isolation_level=None)
    # A new file that replaces its target only once complete (fileio.atomic_build): nothing
    # to recover if the run dies, so no journal on disk (nor a file beside the user's), no
    # waiting for the disk, and one transaction. Nothing is deleted, so there is nothing
    # for VACUUM to reclaim but FTS5's merged segments (about 1%, and a second copy of the
    # whole file to write). Pages of 8 KiB and a 16 MiB cache: a quarter less time
    # inserting 70,000 records than SQLite's 4 KiB and 2 MiB.
    connection.execute("PRAGMA page_size = 8192")
    connection.execute("PRAGMA cache_size = -16384")
    connection.execute("PRAGMA journal_mode = MEMORY")
    connection.execute("PRAGMA synchronous = OFF")
    try:
        connection.execute("BEGIN")
        yield Database(connection)
        connection.execute("COMMIT")
    finally:
        connection.close()


def _build(path: Path, tables: Sequence[_Table], made: _Made) -> None:
    """`tables`, made and filled in a file of their own at `path`."""
    with _opened(path) as db:
        for table in tables:
            _create(db, table)
            with speaking(table.language):
                _insert(db, table.name, table.columns, table.rows(made))


def _copy(db: Database, part: Path, tables: Sequence[_Table]) -> None:
    """The rows of `tables` in the file at `part` into their tables of `db`, in order, in a
    transaction of their own (older SQLite attaches no file inside one). Attached until
    `db` is closed: it can't be detached in the transaction that read it."""
    db.conn.execute("COMMIT")
    db.conn.execute("ATTACH DATABASE ? AS part", (str(part),))
    db.conn.execute("BEGIN")
    for table in tables:
        db.conn.execute(f"INSERT INTO main.{_quoted(table.name)} "
                        f"SELECT * FROM part.{_quoted(table.name)} ORDER BY rowid")
        if table.then is not None:
            table.then(db.table(table.name))


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


class _Made:
    """What the rows are made from: the chosen records, each kind's built once (in a forked
    child, its own), and what links them, worked out when first needed."""

    def __init__(self, corpus: Corpus, written: Sequence[Kind]) -> None:
        self.corpus = corpus
        self.written = written

    @cached_property
    def shelves(self) -> list[tuple[Kind, Sequence[Record]]]:
        return [(kind, self.corpus.of(kind.name)) for kind in self.written]

    @property
    def count(self) -> int:
        return sum(len(chosen) for _kind, chosen in self.shelves)

    @cached_property
    def links(self) -> list[tuple[str, str, int, str]]:
        """Every link of the chosen records: (from, field, place in the field, to)."""
        return [(record.id, name, at, to) for kind, chosen in self.shelves
                for record in chosen for name, at, to in _links(kind, record)]

    def records(self) -> Iterator[tuple[str, str, str]]:
        """The chosen records, then those they link to from elsewhere (by id alone)."""
        held = {record.id for _kind, chosen in self.shelves for record in chosen}
        targets = sorted({link[3] for link in self.links} - held)
        outside = [found for found in map(self.corpus.get, targets) if found is not None]
        origins = self.corpus.origins()
        for kind, chosen in self.shelves:
            for record in chosen:
                yield record.id, kind.name, origins.get(record.id) or "bundled"
        for record in outside:
            yield record.id, _kind_of(record).name, origins.get(record.id) or "bundled"


class _Table(Frozen):
    """A table of the file: its name, columns and keys (sqlite-utils' `create`), its rows
    (each in the order of `columns`, made as they are inserted), then what is made of them
    once they are in (an index, full-text search); `beside`: made into the second file
    (`database_file`)."""

    name: str
    columns: dict[str, type]
    keys: dict[str, Any]
    rows: Callable[[_Made], Iterable[Sequence[Any]]]
    beside: bool = False
    then: Callable[[SqliteTable], None] | None = None
    language: str = ""  # its rows' labels ("Myth") are in this language; "": the run's


def _tables(written: Sequence[Kind]) -> list[_Table]:
    """The file's tables, in the order they are created."""
    text: dict[str, type] = {"id": str, "kind": str, "title": str, "body": str}
    return [
        _Table("metadata", {"key": str, "value": str}, {"pk": "key"},
               lambda made: _metadata(made.corpus, made.written)),
        _Table("records", {"id": str, "kind": str, "origin": str},
               {"pk": "id", "not_null": ["id", "kind"]}, _Made.records, beside=True),
        *(_Table(kind.name, _columns(kind), {
            "pk": "id", "not_null": ["id"],
            "foreign_keys": [(field.name, target.name, "id")
                             for field, target in _references(kind)] or None},
                 partial(_kind_rows, kind), beside=True)
          for kind in _creation_order(written)),
        _Table("links", {"from_id": str, "field": str, "position": int, "to_id": str},
               {"pk": ("from_id", "field", "position"), "not_null": ["to_id"],
                "foreign_keys": [("from_id", "records", "id"), ("to_id", "records", "id")]},
               lambda made: made.links, beside=True,
               then=lambda table: table.create_index(["to_id"])),
        *(_Table(f"text_{language}", text,
                 {"pk": "id", "foreign_keys": [("id", "records", "id")]},
                 partial(_text_rows, language), then=partial(_searched, language),
                 language=language)
          for language in LANGUAGES),
    ]


def _create(db: Database, table: _Table) -> None:
    db.table(table.name).create(table.columns, **table.keys)


def _fill(db: Database, table: _Table, made: _Made) -> None:
    with speaking(table.language):
        _insert(db, table.name, table.columns, table.rows(made))
    if table.then is not None:
        table.then(db.table(table.name))


def _searched(language: str, table: SqliteTable) -> None:
    table.enable_fts(["title", "body"], fts_version="FTS5",
                     tokenize=TOKENIZERS.get(language, TOKENIZERS["es"]))


def _insert(db: Database, table: str, columns: Iterable[str],
            rows: Iterable[Sequence[Any]]) -> None:
    """Each row's values, in the order of `columns`, into `table`: one statement for
    them all (sqlite-utils' `insert_all` works out each row's columns again, two thirds of
    70,000 records' time)."""
    names = ", ".join(map(_quoted, columns))
    places = ", ".join("?" for _name in columns)
    db.conn.executemany(f"INSERT INTO {_quoted(table)} ({names}) VALUES ({places})", rows)


def _quoted(name: str) -> str:
    """A table's or column's name as SQL reads it, whatever it holds."""
    return '"' + name.replace('"', '""') + '"'



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


def _kind_rows(kind: Kind, made: _Made) -> Iterator[tuple[Any, ...]]:
    return _rows(kind, _columns(kind), made.corpus.of(kind.name))


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
                    getattr(value, language, None) if isinstance(value, Text) else None
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


def _text_rows(language: str, made: _Made) -> Iterator[tuple[str, str, str, str]]:
    """Each chosen record's text in one language, for its full-text index: the line it is
    shown under, then every other text a search reads in it."""
    for kind, chosen in made.shelves:
        for record in chosen:
            yield (record.id, kind.name, kind.headline_text(record, language),
                   "\n".join(text for name, text, _weight in kind.searchable(record, language)
                             if name != kind.headline and text))
