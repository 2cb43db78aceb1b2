"""The HTML edition: one web page that works offline, a language per `<article>`.

It walks the document model (binatsec.document) of each language the export is in, the
run's language first, and writes one file: every section, the figures as a table, each
record under an element whose id is the record's (`stat.x` in the first language,
`es:stat.x` in the others), a search box, a language switch, light and dark, a print
stylesheet. Nothing is loaded from anywhere: the style and the script are inline, and a
Content-Security-Policy allows those two blocks (by their hashes) and nothing else.

Text from content is data: Jinja2 escapes every value, and each one first goes through the
text rule (binatsec.textsafety), so no control or bidi override reaches the page. Only the
package's own style and script are written as they are.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
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


@dataclass(frozen=True)
class Edition:
    """One document as the template writes it: its labels already in its own language."""

    document: Document
    lang: str
    name: str
    prefix: str  # before each element id: "" for the first edition, "es:" for the others
    ui: Mapping[str, object]
    ids: frozenset[str]  # the record ids that have an element here (a link can go there)
    reads: Mapping[int, str] = field(default_factory=dict)  # an answer's "(read ...)"


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


def _edition(document: Document, prefix: str) -> Edition:
    lang = document.language
    if not _LANGUAGE.match(lang):
        raise ValueError(f"not a language code: {lang!r}")
    with speaking(lang):
        ui = {**_labels(), "title": document.title}
        reads = {answer.number: _read(answer)
                 for section in document.sections for block in section.blocks
                 if isinstance(block, AnswerKey) for answer in block.answers}
    return Edition(document, lang, ENDONYMS.get(lang, lang), prefix, ui,
                   _record_ids(document), reads)


@cache
def _environment() -> jinja2.Environment:
    import jinja2
    from markupsafe import Markup

    from binatsec.textsafety import safe_text

    def clean(value: object) -> object:
        # Every value the template writes passes the text rule before it is escaped; the
        # page's own style and script (Markup) are written as they are.
        if isinstance(value, str) and not isinstance(value, Markup):
            return safe_text(value)
        return value

    return jinja2.Environment(
        loader=jinja2.PackageLoader("binatsec.views", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, finalize=clean,
        trim_blocks=False, lstrip_blocks=False, keep_trailing_newline=True)


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
    from markupsafe import Markup

    if not editions:
        raise ValueError("an edition needs at least one document")
    first = editions[0].language
    views = [_edition(document, "" if index == 0 or document.language == first
                      else f"{document.language}:")
             for index, document in enumerate(editions)]
    if len({view.lang for view in views}) != len(views):
        raise ValueError("an edition holds each language once")
    style = _style([view.lang for view in views], paper)
    script = _asset("edition.js")
    template = _environment().get_template("edition.html.j2")
    return template.render(editions=views, kind=kind, csp=policy(style, script),
                           style=Markup(style), script=Markup(script), version=__version__)
