"""Every output format of `binatsec export`, declared once.

A format says what it is called (name and aliases, matched in any case), the suffix its
files take, whether it writes bytes or text, which of export's options it takes, and its
writer. `export --format`'s choices, help, metavar and completion, the man page (made from
the same command) and the dispatch in `cli/session.py` all read this registry, so a format
that is declared is reachable and one that is not can't be asked for.

Writers are imported only when a format is written: this module is read on every run.
There are two kinds. A `FromDocument` walks the document model (`binatsec.document`), built
once from the chosen sections: Markdown and the printable PDF.
A `FromEditions` walks one such document per language (the HTML edition's language switch,
the Anki deck's decks). A `FromRecords` writes the records as data (JSON, CSV, an SQLite
file) and may be given any kind of record, stats categories included.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from binatsec.corpus import kinds
from binatsec.corpus.kinds import Kind
from binatsec.frozen import Frozen
from binatsec.i18n import N_, _, composed
from binatsec.registry import extended

if TYPE_CHECKING:
    from pathlib import Path

    from binatsec.document import Document, Editions
    from binatsec.results import Export

# The export options a format may take; `lang` is the language of the text it writes.
OPTIONS = ("section", "lang")


Made = TypeVar("Made")


def _in_pieces(whole: Callable[[], str | bytes],
               stream: Callable[[Made], Iterator[str | bytes]] | None,
               made: Callable[[], Made]) -> Iterator[str | bytes]:
    """A writer's output in pieces: `whole()` in one, unless it streams what `made()` gives
    (its document, editions or export)."""
    if stream is None:
        yield whole()
    else:
        yield from stream(made())


def _same(export: Export) -> Export:
    return export


class FromDocument(Frozen):
    """A writer that walks the document model: section order, headlines and the figures
    table are decided there, once, for every format of this kind."""

    walk: Callable[[Document], str | bytes]
    # `walk` in pieces, each written as made (Markdown: the whole text is never held).
    stream: Callable[[Document], Iterator[str]] | None = None

    def write(self, export: Export) -> str | bytes:
        return self.walk(self._document(export))

    def pieces(self, export: Export) -> Iterator[str | bytes]:
        return _in_pieces(partial(self.write, export), self.stream,
                          partial(self._document, export))

    @staticmethod
    def _document(export: Export) -> Document:
        from binatsec.document import reference

        return reference(export.corpus, export.sections, export.language)

    def choices(self) -> tuple[Kind, ...]:
        return kinds.sections()


class FromEditions(Frozen):
    """A writer of one document per language the export is in (`Export.languages`): an
    edition with a language switch, a deck per language. Built as FromDocument builds one;
    `stream`, if given, writes the same in pieces from `Editions`, each document built when
    it is written."""

    walk: Callable[[Sequence[Document]], str | bytes]
    stream: Callable[[Editions], Iterator[str | bytes]] | None = None

    def write(self, export: Export) -> str | bytes:
        editions = self._editions(export)
        return self.walk(tuple(map(editions.document, editions.languages)))

    def pieces(self, export: Export) -> Iterator[str | bytes]:
        return _in_pieces(partial(self.write, export), self.stream,
                          partial(self._editions, export))

    @staticmethod
    def _editions(export: Export) -> Editions:
        from binatsec.document import Editions

        return Editions(export.corpus, export.sections, export.languages)

    def choices(self) -> tuple[Kind, ...]:
        return kinds.sections()


class FromRecords(Frozen):
    """A writer of the records themselves, as data; `stream`, if given, writes the same in
    pieces, each made as the last is written (JSON: an export is never held whole)."""

    convert: Callable[[Export], str | bytes]
    stream: Callable[[Export], Iterator[str | bytes]] | None = None
    # Makes the file in place at a path it is given (a database its library writes), for
    # an export to a file: never copied from elsewhere.
    make_file: Callable[[Export, Path], None] | None = None

    def write(self, export: Export) -> str | bytes:
        return self.convert(export)

    def pieces(self, export: Export) -> Iterator[str | bytes]:
        return _in_pieces(partial(self.write, export), self.stream, partial(_same, export))

    def choices(self) -> tuple[Kind, ...]:
        return kinds.all_kinds()


class Format(Frozen):
    name: str  # what --format takes, lower case
    summary: str  # its part of --format's help, after "name:"
    suffix: str  # the suffix of the files it writes (".md")
    writer: FromDocument | FromEditions | FromRecords
    aliases: tuple[str, ...] = ()  # other words --format takes for it ("md")
    binary: bool = False  # writes bytes: a file or a pipe, never a terminal
    # Writes every language unless --lang names one (and takes --lang all): an edition
    # with a language switch, a deck per language, a database with a column per language.
    bilingual: bool = False
    options: tuple[str, ...] = OPTIONS  # which of OPTIONS it takes
    one_section: str = ""  # writes one section's table: this one unless --section says

    def write(self, export: Export) -> str | bytes:
        """The format's output: bytes when it is binary, else text."""
        data = self.writer.write(export)
        if isinstance(data, bytes) is not self.binary:
            raise TypeError(f"the {self.name} writer returned {type(data).__name__}")
        return data

    def pieces(self, export: Export) -> Generator[str | bytes, None, None]:
        """`write(export)` in pieces to be written in turn: whole, unless the writer
        streams."""
        for piece in self.writer.pieces(export):
            if isinstance(piece, bytes) is not self.binary:
                raise TypeError(f"the {self.name} writer gave {type(piece).__name__}")
            yield piece

    def file_maker(self, export: Export) -> Callable[[Path], None] | None:
        """What makes the export's file in place at a path, if the writer makes files
        itself (an export to a file then never copies it); else None."""
        make = getattr(self.writer, "make_file", None)
        if make is None:
            return None
        return lambda path: make(export, path)


# --- the writers, each imported when its format is written -----------------------------------


def _json(export: Export) -> str:
    return "".join(_json_pieces(export))


def _json_pieces(export: Export) -> Iterator[str]:
    from binatsec.views.json import export as document
    from binatsec.views.json import pieces

    return pieces(document(export), ascii_only=export.ascii_only)


def _csv(export: Export) -> str:
    from binatsec.views.documents import csv_table

    (kind,) = export.sections  # `sections()` gives a one-section format exactly one
    return csv_table(export.corpus, kind, export.language)


def _markdown(document: Document) -> str:
    from binatsec.views.documents import markdown

    return markdown(document)


def _markdown_pieces(document: Document) -> Iterator[str]:
    from binatsec.views.documents import markdown_pieces

    return markdown_pieces(document)


def _html(editions: Sequence[Document]) -> str:
    from binatsec.views.html import edition

    return edition(editions)


def _html_pieces(editions: Editions) -> Iterator[str]:
    from binatsec.views.html import edition_pieces

    return edition_pieces(editions)


def _anki(editions: Sequence[Document]) -> bytes:
    from binatsec.views.anki import deck

    return deck(editions)


def _anki_pieces(editions: Editions) -> Iterator[bytes]:
    from binatsec.views.anki import deck_pieces

    return deck_pieces(editions)


def _sqlite(export: Export) -> bytes:
    from binatsec.views.sqlite import database

    return database(export)


def _sqlite_pieces(export: Export) -> Iterator[bytes]:
    from binatsec.views.sqlite import database_pieces

    return database_pieces(export)


def _sqlite_file(export: Export, path: Path) -> None:
    from binatsec.views.sqlite import database_file

    database_file(export, path)


def _pdf_one(document: Document) -> bytes:
    from binatsec.views.pdf import printable

    return printable(document)


# --- the registry ------------------------------------------------------------------------------

FORMATS: tuple[Format, ...] = (
    Format("json", N_("the records of every section (or of those --section names), as "
                      "'binatsec schema export' describes them"), ".json",
           FromRecords(_json, _json_pieces)),
    Format("csv", N_("one section's table (the figures unless --section names another)"),
           ".csv", FromRecords(_csv), one_section="stats"),
    Format("markdown", N_("a document to read, with ids kept for citation"), ".md",
           FromDocument(_markdown, _markdown_pieces), aliases=("md",)),
    Format("html", N_("one web page that works offline: every section, a search box, each "
                      "record linkable by its id, light and dark, ready to print"), ".html",
           FromEditions(_html, _html_pieces), bilingual=True),
    Format("anki", N_("an Anki deck (.apkg) of flash cards on the FAQ, myths, figures, "
                      "dates and pillars, a deck per language"), ".apkg",
           FromEditions(_anki, _anki_pieces), binary=True, bilingual=True),
    Format("sqlite", N_("an SQLite database for analysts: a table per section, typed "
                        "figures, links, full-text search in each language"), ".db",
           FromRecords(_sqlite, _sqlite_pieces, _sqlite_file), aliases=("db",), binary=True,
           bilingual=True),
    Format("pdf", N_("a document to print, A4 (needs the binatsec[pdf] extra)"), ".pdf",
           FromDocument(_pdf_one), binary=True),
)


def _refused(adding: Sequence[Format], present: Sequence[Format]) -> str:
    """Why `adding` can't join `present`, or "" when it can: every name and alias is taken by
    one format only, in lower case (--format matches in any case), and options are known."""
    taken = {word for fmt in present for word in (fmt.name, *fmt.aliases)}
    for fmt in adding:
        for word in (fmt.name, *fmt.aliases):
            if word != word.casefold() or not word:
                return f"format name '{word}' must be lower case"
            if word in taken:
                return f"format name '{word}' is taken"
            taken.add(word)
        unknown = set(fmt.options) - set(OPTIONS)
        if unknown:
            return f"format {fmt.name} takes unknown options: {', '.join(sorted(unknown))}"
        if fmt.one_section and kinds.get(fmt.one_section) is None:
            return f"format {fmt.name} writes an unknown section '{fmt.one_section}'"
    return ""


_registry: list[Format] = list(FORMATS)


def all_formats() -> tuple[Format, ...]:
    return tuple(_registry)


def words() -> list[str]:
    """What --format takes: every name, each followed by its aliases."""
    return [word for fmt in _registry for word in (fmt.name, *fmt.aliases)]


def get(word: str) -> Format | None:
    """The format a name or alias stands for, in any case and spacing."""
    wanted = word.strip().casefold()
    return next((fmt for fmt in _registry if wanted in (fmt.name, *fmt.aliases)), None)


def named(name: str) -> Format:
    """A format the code relies on by name; KeyError if the registry lacks it."""
    fmt = get(name)
    if fmt is None:
        raise KeyError(f"no output format '{name}'")
    return fmt


def _help_in_language() -> str:
    parts = []
    for fmt in _registry:
        name = fmt.name
        if fmt.aliases:
            name = _("{name} (or {aliases})").format(name=name, aliases=", ".join(fmt.aliases))
        parts.append(f"{name}: {_(fmt.summary)}")
    return _("{formats}. Any case.").format(formats="; ".join(parts))


def help_text() -> str:
    """--format's help: each format with its aliases and what it writes, in the run's
    language whenever it is shown (`i18n.composed`)."""
    return composed(_help_in_language)


class SectionError(ValueError):
    """--section named something this format can't write."""


def sections(fmt: Format, names: Sequence[str]) -> tuple[Kind, ...]:
    """The kinds an export writes, in the registry's order: those `names` choose (any case),
    else every one the format can write (a one-section format: its own). Raises
    queries.NotFound for a name that is not a choice, SectionError for too many."""
    choices = fmt.writer.choices()
    wanted: list[Kind] = []
    for name in names:
        kind = next((k for k in choices if k.name == name.strip().casefold()), None)
        if kind is None:
            from binatsec.queries import NotFound

            raise NotFound("section", name, [k.name for k in choices])
        wanted.append(kind)
    if fmt.one_section:
        if len(set(wanted)) > 1:
            raise SectionError(f"{fmt.name} writes one section's table; give one --section")
        return tuple(wanted[:1]) or (kinds.named(fmt.one_section),)
    return tuple(kind for kind in choices if kind in wanted) if wanted else choices


@contextmanager
def registered(*extra: Format) -> Iterator[None]:
    """The registry with `extra` formats added, for as long as the block runs (tests,
    plugins). Refuses a name or alias that another format has."""
    refused = _refused(extra, _registry)
    if refused:
        raise ValueError(refused)
    with extended(_registry, extra):
        yield
