"""`export --format sqlite`: a database an analyst can query as it is.

A table per kind with the corpus' records, typed figures equal to the content's, links whose
both ends resolve (and that SQLite enforces), full-text search in each language that finds
"Mérida" from "merida", both languages whatever --lang says, the same bytes for the same
corpus; and the file answers the sqlite3 shell and Datasette (each skipped when missing).
"""

from __future__ import annotations

import json
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest

from binatsec import __version__
from binatsec.corpus import kinds
from binatsec.corpus.records import Corpus, Text
from conftest import Run

# The figures over 1,000 kg in 2020: the query the Datasette test asks.
OVER_A_TONNE = ("select id, value, unit, qualifier, year from stats "
                "where unit = 'kg' and value > 1000 and year = 2020 order by id")


def _export(cli: Callable[..., Run], path: Path, *more: str) -> Path:
    run = cli("export", "--format", "sqlite", "--output", str(path), *more)
    assert run.exit_code == 0, run.stderr
    assert run.stdout == ""
    assert str(path) in run.stderr  # "wrote sqlite to PATH", in the run's language
    return path


@pytest.fixture
def db(cli: Callable[..., Run], tmp_path: Path) -> Path:
    return _export(cli, tmp_path / "binatsec.db")


@contextmanager
def _open(path: Path) -> Iterator[sqlite3.Connection]:
    # Read-only: a test never changes the file another check reads.
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        yield connection


def _rows(path: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with _open(path) as connection:
        return connection.execute(sql, args).fetchall()


def _types(path: Path, table: str) -> dict[str, str]:
    return {row[1]: row[2] for row in _rows(path, f"pragma table_info({table})")}


def test_every_kind_has_its_table_with_the_corpus_records(db: Path, corpus: Corpus) -> None:
    for kind in kinds.all_kinds():
        ids = [row[0] for row in _rows(db, f'select id from "{kind.name}" order by rowid')]
        assert ids == [record.id for record in corpus.of(kind.name)], kind.name
        assert _types(db, kind.name)["id"] == "TEXT"
    every = {record.id: kinds.of_record(record) for record in corpus.records()}
    index = dict(_rows(db, "select id, kind from records"))
    assert index == {id_: kind.name for id_, kind in every.items() if kind is not None}
    assert len(index) == sum(len(corpus.of(kind.name)) for kind in kinds.all_kinds())
    assert _rows(db, "select distinct origin from records") == [("bundled",)]


def test_figures_have_typed_columns(db: Path) -> None:
    stats = _types(db, "stats")
    assert {name: stats[name] for name in ("value", "unit", "qualifier", "year", "attribution",
                                           "category", "supports")} == {
        "value": "REAL", "unit": "TEXT", "qualifier": "TEXT", "year": "INTEGER",
        "attribution": "TEXT", "category": "TEXT", "supports": "TEXT"}
    # Each text field as a column per language; no column left untyped.
    for field in ("label", "what", "period", "note", "sentence"):
        assert stats[f"{field}_en"] == stats[f"{field}_es"] == "TEXT"
    assert "label" not in stats and "" not in stats.values()
    assert _types(db, "pillars")["number"] == "INTEGER"
    timeline = _types(db, "timeline")
    assert (timeline["year"], timeline["end_year"], timeline["ongoing"]) == ("INTEGER",) * 3


def test_each_figure_is_the_content_s(db: Path, corpus: Corpus) -> None:
    stored = {row[0]: row[1:] for row in _rows(
        db, "select id, value, typeof(value), unit, qualifier, year, attribution, category, "
            "label_en, label_es, supports from stats")}
    assert len(stored) == len(corpus.stats) > 0
    for stat in corpus.stats:
        assert isinstance(stat.label, Text)
        assert stored[stat.id] == (stat.value, "real", stat.unit, stat.qualifier, stat.year,
                                   stat.attribution, stat.category, stat.label.en,
                                   stat.label.es, json.dumps(list(stat.supports)))
    (sentence,) = _rows(db, "select sentence_en, sentence_es from stats where id = ?",
                        "stat.meth-seizures-2020")
    assert sentence[0].startswith("Over 10,000 kg") and sentence[1].startswith("Más de 10,000")


def test_every_link_is_written_and_resolves(db: Path, corpus: Corpus) -> None:
    expected: set[tuple[str, str, str]] = set()
    for record in corpus.records():
        kind = kinds.of_record(record)
        assert kind is not None
        for field in kind.links:
            value = getattr(record, field.name)
            named = value if isinstance(value, tuple) else () if value is None else (value,)
            expected.update((record.id, field.name, to) for to in named)
    links = set(_rows(db, "select from_id, field, to_id from links"))
    assert links == expected and any(field == "attribution" for _, field, _ in links)
    assert _rows(db, "pragma foreign_key_check") == []
    stats_keys = {(row[2], row[3], row[4]) for row in _rows(db, "pragma foreign_key_list(stats)")}
    assert stats_keys == {("sources", "attribution", "id"), ("categories", "category", "id")}


def test_sqlite_enforces_the_links(db: Path) -> None:
    with closing(sqlite3.connect(db)) as connection:
        connection.execute("pragma foreign_keys = on")
        assert connection.execute("pragma foreign_keys").fetchone() == (1,)
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            connection.execute("insert into links (from_id, field, position, to_id) values "
                               "('faq.merida-initiative', 'related', 99, 'faq.not-there')")
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            connection.execute("update stats set attribution = 'source.not-there' "
                               "where id = 'stat.merida-funding'")
        # A link to a record that is there is taken.
        connection.execute("insert into links (from_id, field, position, to_id) values "
                           "('faq.merida-initiative', 'related', 99, 'source.us-state-department')")
        connection.rollback()


def _search(path: Path, language: str, words: str) -> list[str]:
    return [row[0] for row in _rows(
        path, f"select t.id from text_{language} t join text_{language}_fts f "
              f"on f.rowid = t.rowid where text_{language}_fts match ? order by rank", words)]


@pytest.mark.parametrize("language", ["en", "es"])
def test_full_text_search_finds_merida_without_its_accent(db: Path, language: str) -> None:
    assert "faq.merida-initiative" in _search(db, language, "merida")
    assert "faq.merida-initiative" in _search(db, language, "mérida")
    (title,) = _rows(db, f"select title from text_{language} where id = ?",
                     "faq.merida-initiative")
    assert "Mérida" in title[0] or "Merida" in title[0]


def test_each_language_is_searched_in_its_own_words(db: Path) -> None:
    # English is stemmed ("seize" finds "seized"); Spanish reads its own words, unstemmed.
    assert "stat.heroin-seizures-2020" in _search(db, "en", "seize")
    assert "stat.heroin-seizures-2020" in _search(db, "es", "heroina")
    assert "stat.heroin-seizures-2020" not in _search(db, "es", "heroin")
    (myth,) = _rows(db, "select title from text_es where kind = 'myths' limit 1")
    assert myth[0].startswith("Mito: ")


def test_both_languages_whatever_lang_and_the_same_bytes_each_time(
        cli: Callable[..., Run], db: Path, tmp_path: Path) -> None:
    spanish = _export(cli, tmp_path / "es.db", "--lang", "es")
    again = _export(cli, tmp_path / "again.db")
    assert spanish.read_bytes() == db.read_bytes() == again.read_bytes()
    assert {"question_en", "question_es"} <= set(_types(spanish, "faq"))


def test_metadata(db: Path) -> None:
    metadata = dict(_rows(db, "select key, value from metadata"))
    assert metadata["binatsec_version"] == __version__
    assert metadata["languages"] == "en,es"
    assert metadata["schema_version"]
    assert "as the article gives them" in metadata["note_en"]
    assert "tal como las da el artículo" in metadata["note_es"]


def test_a_section_comes_with_the_tables_its_keys_name(cli: Callable[..., Run],
                                                       tmp_path: Path, corpus: Corpus) -> None:
    path = _export(cli, tmp_path / "stats.db", "--section", "stats")
    tables = {row[0] for row in _rows(path, "select name from sqlite_master where type = "
                                            "'table' and name not like 'text_%'")}
    assert tables == {"metadata", "records", "links", "stats", "categories", "sources"}
    assert _rows(path, "pragma foreign_key_check") == []
    assert _rows(path, "select count(*) from text_en")[0][0] == sum(
        len(corpus.of(name)) for name in ("stats", "categories", "sources"))
    # A record a figure links to is in `records`, so the link resolves without its table.
    linked = _rows(path, "select distinct r.kind from links join records r on r.id = to_id")
    assert {row[0] for row in linked} - {"stats", "categories", "sources"}
    # ...by its id alone: no text of a section that was not chosen.
    assert corpus.faq[0].question.en.encode() not in path.read_bytes()


def test_the_sqlite3_shell_reads_it(db: Path, corpus: Corpus) -> None:
    shell = shutil.which("sqlite3")
    if shell is None:
        pytest.skip("the sqlite3 shell is not installed")
    done = subprocess.run([shell, "-readonly", str(db),
                           "select count(*) from stats where qualifier = 'over'"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(sum(s.qualifier == "over" for s in corpus.stats))


def _free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read().decode("utf-8"))


def test_datasette_serves_it(db: Path, corpus: Corpus, tmp_path: Path) -> None:
    datasette = Path(sys.executable).parent / "datasette"
    if not datasette.is_file():
        pytest.skip(f"datasette is not installed beside {sys.executable}")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "datasette.log"
    with log.open("wb") as output:
        server = subprocess.Popen([str(datasette), "serve", "-i", str(db), "--host",
                                   "127.0.0.1", "--port", str(port)],
                                  stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60  # a limit on waiting, not a timing assertion
        while True:
            try:
                _get(f"{base}/-/versions.json")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"datasette did not answer: {log.read_text(errors='replace')}")
                time.sleep(0.2)
        rows = _get(f"{base}/binatsec/stats.json?_shape=array&_size=max")
        assert {row["id"]: row["value"] for row in rows} == {
            stat.id: stat.value for stat in corpus.stats}
        query = urllib.parse.urlencode({"sql": OVER_A_TONNE, "_shape": "array"})
        answer = _get(f"{base}/binatsec.json?{query}")
        expected = sorted((s for s in corpus.stats if s.unit == "kg" and s.value > 1000
                           and s.year == 2020), key=lambda s: s.id)
        assert answer == [{"id": s.id, "value": s.value, "unit": s.unit,
                           "qualifier": s.qualifier, "year": s.year} for s in expected]
        assert answer, "the content has figures over 1,000 kg in 2020"
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_a_file_is_made_where_it_stays_with_nothing_left_beside_it(
        cli: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # --output builds the database at a temporary name beside the target and renames it:
    # no journal, no second copy, and the target's own permissions.
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "binatsec.db"
    target.write_bytes(b"old")
    target.chmod(0o640)
    _export(cli, target)
    assert sorted(path.name for path in folder.iterdir()) == ["binatsec.db"]
    assert target.stat().st_mode & 0o777 == 0o640
    assert _rows(target, "pragma integrity_check") == [("ok",)]
    # A build that fails part-way leaves the old file as it was, and nothing beside it.
    made = target.read_bytes()
    from binatsec.views import sqlite as writer

    def broken(*_args: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")  # as SQLite says it

    monkeypatch.setattr(writer, "_fill", broken)
    failed = cli("export", "--format", "sqlite", "--output", str(target))
    assert failed.exit_code == 1
    assert failed.stderr == f"binatsec: error: cannot write {target}: database or disk is full\n"
    assert target.read_bytes() == made
    assert sorted(path.name for path in folder.iterdir()) == ["binatsec.db"]


@pytest.mark.parametrize("child", ["works", "fails"])
def test_a_file_made_in_two_processes_is_the_same(
        corpus: Corpus, split_jobs: Callable[[str], list[Any]], tmp_path: Path,
        child: str) -> None:
    """From forked.RECORDS_TO_SPLIT records a forked child makes the records' tables in a
    file of their own while this process makes the text: the same bytes, whether the child
    does its part or fails (then this process makes it too)."""
    from binatsec import formats, results
    from binatsec.views import sqlite as writer

    export = results.Export(corpus=corpus, format=formats.named("sqlite"),
                            sections=kinds.sections(), language="en")
    alone = tmp_path / "alone.db"
    writer.database_file(export, alone)
    started = split_jobs(child)
    split = tmp_path / "split.db"
    writer.database_file(export, split)
    assert len(started) == 1
    assert split.read_bytes() == alone.read_bytes()
    assert _rows(split, "pragma integrity_check") == [("ok",)]


def test_sqlites_errors_of_its_file_are_the_oserrors_of_any_write(tmp_path: Path) -> None:
    # A full disk, an I/O error, a file that will not lock or write: reported as a failed
    # write (exit 1), like any other; SQLite's other errors stay what they are (a bug).
    import errno

    from binatsec.fileio import SqliteFileErrors

    path = tmp_path / "read-only.db"
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("create table t (x)")
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        with pytest.raises(OSError) as refused, SqliteFileErrors():
            connection.execute("insert into t values (1)")
        assert refused.value.errno == errno.EROFS
        assert "readonly database" in str(refused.value)
        with pytest.raises(sqlite3.OperationalError), SqliteFileErrors():
            connection.execute("select nothing from nowhere")
    with pytest.raises(OSError) as full, SqliteFileErrors():
        raise sqlite3.OperationalError("database or disk is full")
    assert full.value.errno == errno.ENOSPC
