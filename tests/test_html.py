"""The HTML edition without a browser: escaped content, a policy that loads nothing, every
record addressable by its id, both languages, well-formed markup, worksheets."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from binatsec.corpus import kinds
from binatsec.corpus.records import Corpus
from binatsec.document import Document, Editions, reference, worksheet
from binatsec.i18n import _, speaking
from binatsec.quiz import engine
from binatsec.views.html import edition, edition_pieces
from conftest import Run

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
HOSTILE_ANSWER = '<script>alert(1)</script> and "><img src=x onerror=alert(1)>'


class Page(HTMLParser):
    """What the tests look at: the tags in order (checked for balance), each element id with
    the language of the edition holding it, the links, the CSP and the inline blocks."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.unbalanced: list[str] = []
        self.ids: dict[str, str | None] = {}
        self.duplicates: list[str] = []
        self.links: list[str] = []
        self.resources: list[tuple[str, str]] = []
        self.editions: list[str] = []
        self.html_lang: str | None = None
        self.csp = ""
        self.inline: dict[str, list[str]] = {"style": [], "script": []}
        self.count: dict[str, int] = {}
        self._edition: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        self.count[tag] = self.count.get(tag, 0) + 1
        if tag == "html":
            self.html_lang = found.get("lang")
        if tag == "article" and "edition" in found.get("class", ""):
            self._edition = found.get("lang")
            self.editions.append(found.get("lang", ""))
        if "id" in found:
            if found["id"] in self.ids:
                self.duplicates.append(found["id"])
            self.ids[found["id"]] = self._edition
        if tag == "a" and "href" in found:
            self.links.append(found["href"])
        for name in ("src", "href", "srcset", "action", "data", "poster"):
            if name in found:
                self.resources.append((tag, found[name]))
        if tag == "meta" and found.get("http-equiv", "").lower() == "content-security-policy":
            self.csp = found.get("content", "")
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.open.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self._edition = None
        if not self.open or self.open[-1] != tag:
            self.unbalanced.append(f"</{tag}> with {self.open[-3:]} open")
            return
        self.open.pop()

    def handle_data(self, data: str) -> None:
        if self.open and self.open[-1] in self.inline:
            self.inline[self.open[-1]].append(data)


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@pytest.fixture(scope="module")
def page_text() -> str:
    from typer.testing import CliRunner

    from binatsec.cli.app import app

    result = CliRunner().invoke(app, ["export", "--format", "html"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def page(page_text: str) -> Page:
    return Page(page_text)


def test_the_markup_is_balanced_and_ids_are_unique(page: Page) -> None:
    assert page.unbalanced == []
    assert page.open == []
    assert page.duplicates == []
    assert page.count["h1"] == 1
    assert page.count.get("script") == 1 and page.count.get("style") == 1
    for landmark in ("header", "nav", "main", "footer"):
        assert page.count.get(landmark, 0) >= 1, landmark


def test_the_policy_forbids_every_remote_load(page: Page) -> None:
    directives = dict(part.strip().split(" ", 1) for part in page.csp.split(";") if part.strip())
    assert directives["default-src"] == "'none'"
    assert "http" not in page.csp and "*" not in page.csp
    # The inline blocks run because the policy names their hashes, and nothing else can.
    (style,), (script,) = page.inline["style"], page.inline["script"]
    assert directives["style-src"] == _sha256(style)
    assert directives["script-src"] == _sha256(script)
    assert "unsafe-inline" not in page.csp


def test_no_resource_comes_from_the_network(page: Page, page_text: str) -> None:
    remote = [(tag, value) for tag, value in page.resources
              if not value.startswith(("#", "data:"))]
    assert remote == []
    assert not re.search(r"(?i)(src|href)\s*=\s*[\"']?\s*(https?:)?//", page_text)
    assert not re.search(r"(?i)@import|url\(", "".join(page.inline["style"]))
    assert "fetch(" not in page.inline["script"][0]
    assert "XMLHttpRequest" not in page.inline["script"][0]


def test_every_record_has_an_element_with_its_id(page: Page, corpus: Corpus) -> None:
    records = {record.id for kind in kinds.sections() for record in corpus.of(kind.name)}
    assert len(records) > 50
    assert {record_id: page.ids.get(record_id, "missing") for record_id in records
            if page.ids.get(record_id) != "en"} == {}
    # ... and in the second language under its own id, so each edition links within itself.
    assert all(page.ids.get(f"es:{record_id}") == "es" for record_id in records)


def test_every_link_in_the_page_goes_to_an_element_of_it(page: Page) -> None:
    assert page.links
    assert [link for link in page.links if link[1:] not in page.ids] == []


def test_both_languages_by_default_one_with_lang(page: Page, cli: Callable[..., Run]) -> None:
    assert page.editions == ["en", "es"] and page.html_lang == "en"
    spanish = Page(cli("export", "--format", "html", "--lang", "es").stdout)
    assert spanish.editions == ["es"] and spanish.html_lang == "es"
    assert "stat.meth-seizures-2020" in spanish.ids  # the first edition's ids are bare
    assert spanish.count["h1"] == 1


def test_each_edition_speaks_its_own_language(page_text: str) -> None:
    english, spanish = page_text.split('<article class="edition" id="edition-es"', 1)
    assert "Search the records" in english and "Frequently asked questions" in english
    assert ">Reality<" in english and '<th scope="col">figure</th>' in english
    assert "Preguntas frecuentes" in spanish and ">Realidad<" in spanish
    assert '<th scope="col">cifra</th>' in spanish
    # New words follow the catalog: Spanish wherever it has them.
    with speaking("es"):
        label = _("Search the records (any word, accents optional)")
    assert f">{label}</label>" in spanish


def test_the_figures_are_a_table_with_headers(page_text: str) -> None:
    table = page_text.split('<table class="figures">', 1)[1].split("</table>", 1)[0]
    assert "<caption>" in table
    assert table.count('<th scope="col">') == 6
    assert 'id="stat.meth-seizures-2020"' in table


def test_output_writes_the_page(cli: Callable[..., Run], tmp_path: Path,
                                page_text: str) -> None:
    target = tmp_path / "edition.html"
    result = cli("export", "--format", "html", "--output", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_text(encoding="utf-8") == page_text
    assert f"wrote html to {target}" in result.stderr


def test_hostile_content_comes_out_escaped(cli: Callable[..., Run], tmp_path: Path) -> None:
    (tmp_path / "faq.toml").write_text(
        '[[faq]]\nid = "faq.hostile"\n'
        'question.en = "Is <b>this</b> safe? \\u202eevil\\u202c \\u001b[31m"\n'
        f"answer.en = '{HOSTILE_ANSWER}'\n", encoding="utf-8")
    result = cli("--content-dir", str(tmp_path), "export", "--format", "html")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "<script>alert" not in out and "<img" not in out and "<b>this" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in out
    assert "Is &lt;b&gt;this&lt;/b&gt; safe?" in out
    assert "\u202e" not in out and "\x1b" not in out
    page = Page(out)
    assert page.count["script"] == 1 and page.unbalanced == []
    assert page.ids.get("faq.hostile") == "en"


@pytest.fixture(scope="module")
def sheet_html(corpus: Corpus) -> str:
    questions = engine.build(corpus, "all", 6, seed=7)
    sheet = worksheet(questions, "Quiz: all topics", ["6 questions, seed 7."],
                      "binatsec quiz --seed 7", "en")
    return edition([sheet], paper="a4")


def test_a_worksheet_has_its_questions_then_the_answer_key(sheet_html: str) -> None:
    page = Page(sheet_html)
    assert page.unbalanced == [] and page.editions == ["en"] and page.count["h1"] == 1
    questions, answers = sheet_html.split('<section id="answers"', 1)
    assert '<section id="questions"' in questions
    assert all(f'id="question-{n}"' in questions for n in range(1, 7))
    assert questions.count('<ul class="options">') == 6
    assert "binatsec quiz --seed 7 --answers ANSWERS" in questions
    assert answers.count('<li id="answer-') == 6
    assert "(read " in answers and "Answer key" in answers
    assert '[data-section="answers"] { break-before: page; }' in sheet_html


def test_paper_sets_the_printed_page_size(corpus: Corpus) -> None:
    document = reference(corpus, kinds.sections(), "en")
    assert "@page { size: A4;" in edition([document], paper="a4")
    assert "@page { size: letter;" in edition([document], paper="letter")
    assert "@page" not in edition([document])
    with pytest.raises(ValueError, match="paper"):
        edition([document], paper="tabloid")


def test_a_worksheet_in_spanish_speaks_spanish(corpus: Corpus) -> None:
    questions = engine.build(corpus, "all", 3, seed=1, language="es")
    with speaking("es"):  # as the quiz command builds it, in the run's language
        sheet = worksheet(questions, "Cuestionario", [], "binatsec quiz", "es")
    out = edition([sheet], paper="letter")
    assert '<html lang="es"' in out and "Respuestas" in out and "(para leer: " in out


@given(st.text())
def test_values_are_escaped_as_markupsafe_escapes_them(text: str) -> None:
    # The template's values are escaped by the environment's finalize, not by autoescape
    # (its Markup object per value was half the time of a large page): the same entities.
    from markupsafe import escape as markupsafe_escape

    from binatsec.views.html import escape

    assert escape(text) == str(markupsafe_escape(text))


def test_every_value_is_escaped_once_and_only_the_pages_own_parts_pass_as_they_are(
        ) -> None:
    # Values are escaped by the environment's finalize, not by autoescape: text made inside
    # a template (a macro, a call, a filter block, a set block) would be escaped again, and
    # |safe would let a value through unescaped. Only the page's own style, script and
    # articles are Markup, made in one place (_page).
    import inspect
    from importlib import resources

    from binatsec.views import html

    folder = resources.files("binatsec.views") / "templates"
    sources = {entry.name: entry.read_text(encoding="utf-8") for entry in folder.iterdir()
               if entry.name.endswith(".j2")}
    assert len(sources) >= 2
    forbidden = re.compile(r"{%[-+]?\s*(macro|call|filter|endset)\b|\|\s*safe\b")
    assert {name: forbidden.findall(source) for name, source in sources.items()
            if forbidden.search(source)} == {}
    module, page = inspect.getsource(html), inspect.getsource(html._page)
    assert module.count("Markup(") == page.count("Markup(") > 0


def _editions(corpus: Corpus) -> Editions:
    return Editions(corpus, kinds.sections(), ("es", "en"))


def test_the_page_is_written_as_it_is_made(corpus: Corpus, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    """The frame and the first language's article come out before the second language's
    document is built: a page of 70,000 records is never held whole."""
    built: list[str] = []
    real = Editions.document

    def counted(self: Editions, language: str) -> Document:
        built.append(language)
        return real(self, language)

    monkeypatch.setattr(Editions, "document", counted)
    pieces = edition_pieces(_editions(corpus))
    first = next(pieces)
    assert first.startswith("<!DOCTYPE html>") and built == ["es"]
    rest = "".join(pieces)
    assert built == ["es", "en"]
    assert first + rest == edition([reference(corpus, kinds.sections(), "es"),
                                    reference(corpus, kinds.sections(), "en")])


@pytest.mark.parametrize("child", ["works", "fails"])
def test_a_page_written_in_two_processes_is_the_same(
        corpus: Corpus, split_jobs: Callable[[str], list[Any]], child: str) -> None:
    """From forked.RECORDS_TO_SPLIT records a forked child writes the other language's
    article meanwhile: the same page, whether it does or fails (then this process writes
    it)."""
    alone = "".join(edition_pieces(_editions(corpus)))
    started = split_jobs(child)
    assert "".join(edition_pieces(_editions(corpus))) == alone
    assert len(started) == 1
