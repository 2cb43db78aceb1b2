"""The HTML edition: one web page that works offline, a language per `<article>`.

It walks the document model (binatsec.document) of each language the export is in, the
run's language first, and writes one file: every section, the figures as a table, each
record under an element whose id is the record's (`stat.x` in the first language,
`es:stat.x` in the others), a search box, a language switch, light and dark, a print
stylesheet. Nothing is loaded from anywhere: the style and the script are inline, and a
Content-Security-Policy allows those two blocks (by their hashes) and nothing else.

Text from content is data: every value the templates write is escaped (the environment's
`finalize`, with markupsafe's entities), and first goes through the text rule
(binatsec.textsafety), so no control or bidi override reaches the page. Only the package's
own style and script, and the articles the page is made of, are written as they are.

The page is written as it is made: a frame (edition.html.j2) around one article per
language (article.html.j2), each document built when its article is written.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import chain, islice
from typing import TYPE_CHECKING

from binatsec import __version__
from binatsec.document import (
    FIGURE_COLUMNS,
    Answer,
    AnswerKey,
    Block,
    Command,
    DatedEvent,
    DefinitionList,
    Document,
    Editions,
    Entry,
    FigureTable,
    MythReality,
    Paragraph,
    Question,
    unreachable,
)
from binatsec.i18n import _, ngettext, speaking

if TYPE_CHECKING:
    import jinja2

# Each language by its own name, as a language switch shows it (never translated).
ENDONYMS = {"en": "English", "es": "Español"}
PAPER = {"a4": "A4", "letter": "letter"}
# A language code as it may appear in an attribute, a CSS rule and an element id.
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*\Z")
# The template's pieces joined at a time.
_BATCH = 4096


@dataclass(frozen=True)
class Edition:
    """One language of the page as its frame writes it (the language switch, the labels):
    its words already in its own language, its title among them."""

    lang: str
    name: str
    prefix: str  # before each element id: "" for the first edition, "es:" for the others
    ui: Mapping[str, object]


def kind(block: Block) -> str:
    """The template's name for a block's layout; mypy checks that none is forgotten."""
    match block:
        case Entry():
            return "entry"
        case MythReality():
            return "myth"
        case DatedEvent():
            return "event"
        case FigureTable():
            return "figures"
        case Paragraph():
            return "paragraph"
        case DefinitionList():
            return "definitions"
        case Command():
            return "command"
        case Question():
            return "question"
        case AnswerKey():
            return "answers"
    return unreachable(block)


def _record_ids(document: Document) -> frozenset[str]:
    ids: set[str] = set()
    for section in document.sections:
        for block in section.blocks:
            if isinstance(block, (Entry, MythReality, DatedEvent)):
                ids.add(block.id)
            elif isinstance(block, FigureTable):
                ids.update(row.id for row in block.rows)
    return frozenset(ids)


def _read(answer: Answer) -> str:
    ids = ", ".join(answer.ids)
    if answer.read:
        ids = f"{ids}: {answer.read}" if ids else answer.read
    return _(" (read {ids})").format(ids=ids)


def _labels() -> dict[str, object]:
    """The page's own words in the language spoken now."""
    return {
        "skip": _("Skip to the content"),
        "language": _("Language"),
        "contents": _("Contents"),
        "search": _("Search the records (any word, accents optional)"),
        "one": ngettext("{count} record matches", "{count} records match", 1),
        "other": ngettext("{count} record matches", "{count} records match", 2),
        "figures": _("Figures"),
        "fact": _("Fact"),
        "reality": _("Reality"),
        "caption": _("Each figure as the article gives it, with its qualifier, year and "
                     "source; its id links to its row."),
        "columns": tuple(_(column) for column in FIGURE_COLUMNS),
        "footer": _("Written by binatsec {version}. Each record's id is its address in "
                    "this page: add #id to the page's address to link to it.").format(
                        version=__version__),
    }


def _edition(cover: Document, prefix: str) -> Edition:
    lang = cover.language
    if not _LANGUAGE.match(lang):
        raise ValueError(f"not a language code: {lang!r}")
    with speaking(lang):
        ui = {**_labels(), "title": cover.title}
    return Edition(lang, ENDONYMS.get(lang, lang), prefix, ui)


def _editions(covers: Sequence[Document]) -> list[Edition]:
    """An edition per document (the first shown first), each language once."""
    if not covers:
        raise ValueError("an edition needs at least one document")
    first = covers[0].language
    views = [_edition(cover, "" if index == 0 or cover.language == first
                      else f"{cover.language}:")
             for index, cover in enumerate(covers)]
    if len({view.lang for view in views}) != len(views):
        raise ValueError("an edition holds each language once")
    return views


def _article(view: Edition, document: Document, several: bool) -> Iterator[str]:
    """One edition's <article>, in pieces as the template makes them (a batch of its
    yields each)."""
    with speaking(view.lang):
        reads = {answer.number: _read(answer)
                 for section in document.sections for block in section.blocks
                 if isinstance(block, AnswerKey) for answer in block.answers}
    made = _environment().get_template("article.html.j2").generate(
        e=view, document=document, ids=_record_ids(document), reads=reads,
        several=several, kind=kind)
    # Joined a batch at a time (in C): the template yields millions of tiny pieces.
    while batch := list(islice(made, _BATCH)):
        yield "".join(batch)


@cache
def _environment() -> jinja2.Environment:
    import jinja2
    from markupsafe import Markup

    from binatsec.textsafety import safe_text

    def escaped(value: object) -> str:
        # Every value the template writes passes the text rule, then is escaped as
        # autoescape would (markupsafe's entities); the page's own style, script and
        # articles (Markup) are written as they are. Escaped here, not by autoescape:
        # its Markup object per value was half the time of 70,000 records' page.
        if isinstance(value, Markup):
            return str(value)
        return escape(safe_text(value) if isinstance(value, str) else str(value))

    return jinja2.Environment(
        loader=jinja2.PackageLoader("binatsec.views", "templates"),
        autoescape=False, undefined=jinja2.StrictUndefined, finalize=escaped,
        trim_blocks=False, lstrip_blocks=False, keep_trailing_newline=True)


def escape(text: str) -> str:
    """`text` for HTML, as markupsafe's `escape` writes it (the same entities)."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("'", "&#39;").replace('"', "&#34;"))


def _asset(name: str) -> str:
    return (resources.files("binatsec.views") / "templates" / name).read_text(encoding="utf-8")


def _style(languages: Sequence[str], paper: str | None) -> str:
    """The stylesheet, with a rule per language for the page's own words and, for `paper`,
    the page size."""
    rules = [_asset("edition.css")]
    for lang in languages:
        rules.append(f'html[data-current="{lang}"] [data-ui]:not([data-ui="{lang}"]) '
                     "{ display: none; }")
    if paper is not None:
        size = PAPER.get(paper.casefold())
        if size is None:
            raise ValueError(f"unknown paper size {paper!r}: a4 or letter")
        rules.append(f"@page {{ size: {size}; margin: 16mm 15mm; }}")
    return "\n".join(rules) + "\n"


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def policy(style: str, script: str) -> str:
    """A Content-Security-Policy that loads nothing: only the inline style and script whose
    hashes it names run, images only from data: URLs (the blank icon), no form, no base."""
    return ("default-src 'none'; "
            f"style-src {_hash(style)}; script-src {_hash(script)}; img-src data:; "
            "base-uri 'none'; form-action 'none'")


def edition(editions: Sequence[Document], *, paper: str | None = None) -> str:
    """One HTML page holding each document in `editions` (the first shown first): the
    export's languages, or a quiz worksheet. `paper` ("a4", "letter") sets the printed
    page's size; None leaves it to the printer."""
    views = _editions(editions)
    several = len(views) > 1
    articles = (piece for view, document in zip(views, editions, strict=True)
                for piece in _article(view, document, several))
    return "".join(_page(views, articles, paper))


def edition_pieces(editions: Editions) -> Iterator[str]:
    """The export's page (`edition` of its documents), in pieces as it is made, each
    document built when its article is written. From forked.RECORDS_TO_SPLIT records, a
    forked child builds and writes the other languages' articles meanwhile."""
    from binatsec import forked

    views = _editions([editions.cover(language) for language in editions.languages])
    first, others = views[0], views[1:]

    def own(view: Edition) -> Iterator[str]:
        return _article(view, editions.document(view.lang), len(views) > 1)

    def the_others() -> Iterator[str]:
        for view in others:
            yield from own(view)

    child = None
    if others and forked.worth_splitting(editions.size()):
        child = forked.writing_text(the_others)
    try:
        yield from _page(views, chain(own(first), forked.text_of(child, the_others)), None)
    finally:
        if child is not None:
            child.end()


def _page(views: Sequence[Edition], articles: Iterable[str], paper: str | None
          ) -> Iterator[str]:
    """The page around `articles`, which are written as they are (already escaped)."""
    from markupsafe import Markup

    style = _style([view.lang for view in views], paper)
    script = _asset("edition.js")
    frame = _environment().get_template("edition.html.j2")
    return frame.generate(editions=views, articles=map(Markup, articles),
                          csp=policy(style, script), style=Markup(style),
                          script=Markup(script), version=__version__)
