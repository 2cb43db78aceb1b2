"""Output formats come from one registry, and written ones from one document model.

Every registered format is written here, to stdout and to a file; `--section` changes what
every format writes; a format that exists only in this file (a plain-text walker over the
document, added as docs/architecture.md's recipe says) shows up in --help, completion and the
man page, works, and is gone afterwards; a binary format never writes to a terminal.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from binatsec import formats
from binatsec.cli.app import app
from binatsec.cli.commands import complete_formats
from binatsec.corpus import kinds
from binatsec.corpus.records import Corpus, TimelineEvent
from binatsec.document import (
    Answer,
    AnswerKey,
    Choice,
    DatedEvent,
    Definition,
    Document,
    Entry,
    FigureTable,
    MythReality,
    Paragraph,
    Question,
    Section,
    reference,
)
from binatsec.environment import Environment
from binatsec.formats import Format, FromDocument, FromRecords
from binatsec.queries import timeline_between
from binatsec.views.documents import markdown
from conftest import Run


def _json(data: bytes) -> None:
    assert json.loads(data)["command"] == "export"


def _csv(data: bytes) -> None:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert rows[0][0] == "id" and len(rows) > 1
    assert {len(row) for row in rows} == {len(rows[0])}


def _markdown(data: bytes) -> None:
    text = data.decode("utf-8")
    assert text.startswith("# ") and "\n## " in text and text.endswith("\n")


def _html(data: bytes) -> None:
    text = data.decode("utf-8")
    assert text.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in text


def _anki(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as deck:
        assert "collection.anki2" in deck.namelist()


def _sqlite(data: bytes) -> None:
    assert data.startswith(b"SQLite format 3\x00")


def _pdf(data: bytes) -> None:
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")


# What each format's output must be. A new format adds its check here (docs/architecture.md).
CHECKS: dict[str, Callable[[bytes], None]] = {
    "json": _json, "csv": _csv, "markdown": _markdown, "html": _html, "anki": _anki,
    "sqlite": _sqlite, "pdf": _pdf}


def _readable(fmt: Format, data: bytes) -> bytes:
    """What a format wrote, as bytes that hold its text as it is: an Anki deck unzipped, a
    PDF's text from pdftotext (the test skips without it)."""
    if fmt.name == "anki":
        with zipfile.ZipFile(io.BytesIO(data)) as deck:
            return deck.read("collection.anki2")
    if fmt.name == "pdf":
        if shutil.which("pdftotext") is None:
            pytest.skip("pdftotext (poppler-utils) is not installed")
        done = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True,
                              check=True)
        return b" ".join(done.stdout.split())
    return data


def _needs_weasyprint(fmt: Format) -> None:
    if fmt.name == "pdf":
        pytest.importorskip("weasyprint", reason="PDF needs the binatsec[pdf] extra")


def _export(*args: str) -> tuple[int, bytes, str]:
    """`binatsec export ARGS` in-process, stdout as the bytes written (binary formats too)."""
    result = CliRunner().invoke(app, ["export", *args], catch_exceptions=False)
    return result.exit_code, result.stdout_bytes, result.stderr


def test_every_format_has_a_check_here() -> None:
    assert sorted(CHECKS) == sorted(fmt.name for fmt in formats.all_formats())


@pytest.mark.parametrize("fmt", formats.all_formats(), ids=lambda fmt: fmt.name)
def test_every_registered_format_writes_to_stdout_and_to_a_file(fmt: Format,
                                                               tmp_path: Path) -> None:
    _needs_weasyprint(fmt)
    code, shown, stderr = _export("--format", fmt.name)
    assert (code, stderr) == (0, "")
    assert shown, f"{fmt.name} wrote nothing"
    CHECKS[fmt.name](shown)
    target = tmp_path / f"corpus{fmt.suffix}"
    code, shown_too, stderr = _export("-f", fmt.name.upper(), "--output", str(target))
    assert code == 0 and shown_too == b""
    assert target.read_bytes() == shown
    assert f"wrote {fmt.name} to {target}" in stderr
    for alias in fmt.aliases:
        assert _export("-f", alias)[1] == shown


@pytest.mark.parametrize("fmt", [f for f in formats.all_formats() if "section" in f.options],
                         ids=lambda fmt: fmt.name)
def test_section_changes_what_every_format_writes(fmt: Format, corpus: Corpus) -> None:
    _needs_weasyprint(fmt)
    faq = _export("-f", fmt.name, "-s", "faq")
    myths = _export("-f", fmt.name, "-s", "MYTHS")
    assert faq[0] == myths[0] == 0, faq[2] + myths[2]
    faq_text, myths_text = _readable(fmt, faq[1]), _readable(fmt, myths[1])
    # A few words, not the whole sentence: a PDF's text is wrapped into lines.
    question = " ".join(corpus.faq[0].question.get().split()[:3]).encode()
    myth = " ".join(corpus.myths[0].myth.get().split()[:4]).encode()
    assert question in faq_text and myth not in faq_text
    assert myth in myths_text and question not in myths_text


def test_json_with_sections_holds_those_sections_only(cli: Callable[..., Run]) -> None:
    document = cli("export", "-f", "json", "-s", "myths", "-s", "faq").json()
    envelope = {"schema_version", "binatsec_version", "command", "lang"}
    assert list(document.keys() - envelope) in (["faq", "myths"], ["myths", "faq"])
    assert list(document)[-2:] == ["faq", "myths"]  # the registry's order, as a whole export


def test_markdown_with_sections_holds_those_sections_in_export_order(
        cli: Callable[..., Run]) -> None:
    text = cli("export", "-f", "md", "-s", "myths", "-s", "faq").stdout
    assert re.findall(r"^## (.+)$", text, re.M) == ["Frequently asked questions",
                                                    "Myths and realities"]
    assert text.startswith("# US–Mexico security cooperation: a reference\n")


@pytest.mark.parametrize(("args", "message"), [
    (("-f", "csv", "-s", "faq", "-s", "myths"), "csv writes one section's table"),
    (("-f", "md", "-s", "categories"), "unknown section 'categories'"),
    (("-f", "json", "-s", "faqs"), "did you mean 'faq'?"),
    (("-f", "docx",), "choose from: json, csv, markdown, md, html, anki, sqlite, db, pdf"),
])
def test_a_section_or_format_it_cannot_write_is_a_usage_error(
        cli: Callable[..., Run], args: tuple[str, ...], message: str) -> None:
    result = cli("export", *args)
    assert result.exit_code == 2 and result.stdout == ""
    assert message in result.stderr


def test_help_and_completion_list_the_registry(cli: Callable[..., Run]) -> None:
    shown = " ".join(cli("export", "--help").stdout.split())
    assert f"[{'|'.join(formats.words())}]" in shown
    for fmt in formats.all_formats():
        assert f"{fmt.name}" in shown and " ".join(fmt.summary.split()) in shown
    assert complete_formats("m") == ["markdown", "md"]


# --- a format of the tests' own, added as the recipe says ---------------------------------------


def plain_text(document: Document) -> str:
    """The document as plain text: a walker over the tree, knowing nothing of kinds."""
    out = [document.title.upper(), ""]
    for section in document.sections:
        out += [section.heading, "=" * len(section.heading), ""]
        for block in section.blocks:
            match block:
                case Entry() | MythReality() | DatedEvent():
                    out.append(f"{block.headline} [{block.id}]")
                    out += [f"  {getattr(text, 'label', '') or '-'}: {text.text}"
                            for text in block.body]
                    out += [f"  * {figure.sentence} [{figure.id}]" for figure in block.figures]
                case FigureTable():
                    out += [" | ".join(row.cells()) for row in block.rows]
                case _:
                    raise TypeError(f"txt has no way to write {type(block).__name__}")
        out.append("")
    return "\n".join(out)


TXT = Format("txt", "plain text, for any pager", ".txt", FromDocument(plain_text),
             aliases=("text",))


@pytest.fixture
def txt() -> Iterator[Format]:
    with formats.registered(TXT):
        yield TXT


def test_a_format_of_the_tests_own_is_offered_written_and_documented(
        txt: Format, cli: Callable[..., Run], tmp_path: Path) -> None:
    shown = " ".join(cli("export", "--help").stdout.split())
    assert f"[{'|'.join(formats.words())}]".endswith("|txt|text]")
    assert f"[{'|'.join(formats.words())}]" in shown
    assert "txt (or text): plain text, for any pager" in shown
    assert complete_formats("t") == ["txt", "text"]
    assert "txt" in cli("man").stdout
    text = cli("export", "-f", "txt")
    assert text.exit_code == 0, text.stderr
    assert text.stdout.startswith("US–MEXICO SECURITY COOPERATION: A REFERENCE\n")
    assert "Myth: " in text.stdout and "[stat.meth-seizures-2020]" in text.stdout
    target = tmp_path / "faq.txt"
    assert cli("export", "-f", "TEXT", "-s", "faq", "-o", str(target)).exit_code == 0
    written = target.read_text(encoding="utf-8")
    assert "Frequently asked questions" in written and "Timeline" not in written


def test_the_tests_format_is_gone_after_the_test(cli: Callable[..., Run]) -> None:
    with formats.registered(TXT):
        assert cli("export", "-f", "txt").exit_code == 0
    gone = cli("export", "-f", "txt")
    assert gone.exit_code == 2 and "unknown format 'txt'" in gone.stderr
    assert "txt" not in cli("export", "--help").stdout
    assert formats.get("txt") is None


@pytest.mark.parametrize("clash", [
    Format("md", "x", ".md", FromDocument(plain_text)),  # another format's alias
    Format("yaml", "x", ".yaml", FromDocument(plain_text), aliases=("json",)),
    Format("yaml", "x", ".yaml", FromDocument(plain_text), aliases=("yml", "yml")),
    Format("YAML", "x", ".yaml", FromDocument(plain_text)),  # --format matches lower case
    Format("yaml", "x", ".yaml", FromDocument(plain_text), options=("colour",)),
], ids=["alias taken", "name taken as alias", "twice", "upper case", "unknown option"])
def test_registration_refuses_a_taken_name_or_alias(clash: Format) -> None:
    before = formats.all_formats()
    with pytest.raises(ValueError, match=r"taken|lower case|unknown option"), \
            formats.registered(clash):
        pass  # pragma: no cover
    assert formats.all_formats() == before
    with pytest.raises(ValueError, match="taken"), formats.registered(TXT, TXT):
        pass  # pragma: no cover


# --- a binary format --------------------------------------------------------------------------

MDGZ = Format("mdgz", "Markdown, gzipped", ".md.gz",
              FromDocument(lambda document: gzip.compress(markdown(document).encode(), mtime=0)),
              binary=True)


def test_a_binary_format_writes_files_and_pipes_but_never_a_terminal(tmp_path: Path) -> None:
    with formats.registered(MDGZ):
        code, piped, stderr = _export("-f", "mdgz", "-s", "faq")
        assert (code, stderr) == (0, "")
        assert gzip.decompress(piped).startswith(b"# US")
        target = tmp_path / "faq.md.gz"
        assert _export("-f", "mdgz", "-s", "faq", "-o", str(target))[0] == 0
        assert target.read_bytes() == piped

        stdout, stderr_stream = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.StringIO()
        terminal = Environment(stdin=None, stdout=stdout, stderr=stderr_stream,
                               stdin_is_terminal=True, stdout_is_terminal=True, unicode=True,
                               colour=False, width=80)
        code = app(["export", "-f", "mdgz"], standalone_mode=False, obj=terminal)
        assert code == 2
        assert "mdgz is binary, not for a terminal: give --output FILE.md.gz" in \
            stderr_stream.getvalue()
        stdout.flush()
        assert stdout.buffer.getvalue() == b""


def test_a_writer_that_returns_the_wrong_type_is_a_bug_not_output(corpus: Corpus) -> None:
    from binatsec.results import Export

    wrong = Format("wrong", "x", ".x", FromRecords(lambda export: "text"), binary=True)
    with pytest.raises(TypeError, match="returned str"):
        wrong.write(Export(corpus, wrong, kinds.all_kinds()))


# --- the document model -----------------------------------------------------------------------


def test_the_document_orders_sections_records_and_figures_once(corpus: Corpus) -> None:
    document = reference(corpus, kinds.all_kinds(), "en")
    assert [s.name for s in document.sections] == [
        k.name for k in kinds.ordered(kinds.sections())]  # categories is no section
    by_name = {section.name: section for section in document.sections}
    events = by_name["timeline"].blocks
    assert all(isinstance(block, DatedEvent) for block in events)
    dated = timeline_between(corpus.timeline, None, None)
    assert [block.id for block in events] == [event.id for event in dated]  # type: ignore[union-attr]
    first = dated[0]
    assert isinstance(first, TimelineEvent)
    assert events[0].headline == f"{first.when_text()}: {first.title.get()}"  # type: ignore[union-attr]
    myth = by_name["myths"].blocks[0]
    assert isinstance(myth, MythReality) and myth.headline == f"Myth: {myth.myth}"
    assert myth.body == (Definition("Fact", myth.fact), Definition("Reality", myth.reality))
    pillar = by_name["pillars"].blocks[0]
    assert isinstance(pillar, Entry) and pillar.headline.startswith("1. ")
    (table,) = by_name["stats"].blocks
    assert isinstance(table, FigureTable)
    assert [row.id for row in table.rows] == [stat.id for stat in corpus.stats]
    assert all(len(row.cells()) == len(table.columns) for row in table.rows)


def test_markdown_walks_worksheet_blocks_too() -> None:
    sheet = Document("Quiz", "en", (), (
        Section("questions", "Questions", (
            Question(1, "When was NAFTA signed?", (Choice("a", "1994"), Choice("b", "2008")),
                     "event.nafta"),)),
        Section("key", "Answer key", (
            AnswerKey((Answer(1, "a", "1994", "It took effect in *1994*.", ("event.nafta",)),)),
            Paragraph("Read the ids with binatsec.")))))
    assert markdown(sheet) == (
        "# Quiz\n\n## Questions\n\n**1.** When was NAFTA signed?\n\n- a) 1994\n- b) 2008\n\n"
        "## Answer key\n\n- **1.** a) 1994 — It took effect in \\*1994\\*. (read `event.nafta`)"
        "\n\nRead the ids with binatsec.\n")
