"""The HTML edition in a real browser (Playwright driving the system's Chromium): it loads
nothing, its search, id links and language switch work, axe-core finds no violation in light
or dark, and a phone's width needs no sideways scrolling."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Seconds of work: run on CI's default Python only (noxfile.py), as every slow test.
pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="playwright is not installed")
    if not CHROMIUM.is_file():
        pytest.skip(f"no Chromium at {CHROMIUM}: the browser tests drive the system's")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def page_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The bundled content's edition in both languages, as `export --output` writes it."""
    from typer.testing import CliRunner

    from binatsec.cli.app import app

    path = tmp_path_factory.mktemp("html") / "binatsec.html"
    result = CliRunner().invoke(app, ["export", "--format", "html", "--output", str(path)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return path.as_uri()


class Watched:
    """A page with every request and console message it made recorded."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", lambda message: self.errors.append(message.text)
                if message.type in ("error", "warning") else None)
        page.on("pageerror", lambda error: self.errors.append(str(error)))


@pytest.fixture
def opened(browser: Any, page_url: str) -> Iterator[Callable[..., Watched]]:
    pages: list[Any] = []

    def open_page(fragment: str = "", **options: Any) -> Watched:
        page = browser.new_page(**options)
        pages.append(page)
        watched = Watched(page)
        page.goto(page_url + fragment)
        return watched

    yield open_page
    for page in pages:
        page.close()


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text)
                   if not unicodedata.combining(c)).casefold()


def _visible_records(page: Any) -> list[str]:
    shown: list[str] = page.eval_on_selector_all(
        "article.edition:not([hidden]) [data-record]",
        "els => els.filter(e => e.offsetParent !== null || e.getClientRects().length)"
        ".map(e => e.textContent)")
    return shown


def _switch(page: Any, language: str) -> None:
    """Click the switch's link, then wait for the hashchange it causes to show `language`
    (by a selector: a polled JS predicate would be an eval, which the page's policy forbids)."""
    page.click(f"a[data-switch='{language}']")
    page.wait_for_selector(f"html[lang='{language}']", state="attached")


def test_the_page_loads_nothing_and_logs_no_error(opened: Callable[..., Watched],
                                                  page_url: str) -> None:
    watched = opened()
    watched.page.fill("#search", "fentanyl")
    _switch(watched.page, "es")
    assert watched.requests == [page_url]
    assert watched.errors == []


def test_search_shows_only_matching_records_and_counts_them(
    opened: Callable[..., Watched],
) -> None:
    page = opened().page
    everything = len(_visible_records(page))
    page.fill("#search", "fentanyl")
    shown = _visible_records(page)
    assert 0 < len(shown) < everything
    assert all("fentanyl" in _fold(text) for text in shown)
    status = page.text_content("article#edition-en .status") or ""
    assert status.startswith(f"{len(shown)} record")
    assert page.get_attribute("article#edition-en .status", "aria-live") == "polite"


def test_search_ignores_accents_and_case(opened: Callable[..., Watched]) -> None:
    page = opened().page
    page.fill("#search", "MERIDA")
    shown = _visible_records(page)
    assert shown and all("merida" in _fold(text) for text in shown)
    _switch(page, "es")
    page.fill("[id='es:search']", "merida")
    spanish = _visible_records(page)
    assert spanish and any("Mérida" in text for text in spanish)
    page.fill("[id='es:search']", "")
    assert len(_visible_records(page)) > len(spanish)


def test_an_id_link_shows_its_record(opened: Callable[..., Watched]) -> None:
    page = opened("#stat.meth-seizures-2020").page
    row = page.locator("[id='stat.meth-seizures-2020']")
    assert row.is_visible()
    assert row.evaluate("e => { const r = e.getBoundingClientRect();"
                        " return r.top >= 0 && r.top < innerHeight; }")


def test_an_id_lands_in_the_language_shown(opened: Callable[..., Watched]) -> None:
    page = opened().page
    _switch(page, "es")
    assert page.locator("#edition-es").is_visible()
    assert not page.locator("#edition-en").is_visible()
    assert "Preguntas frecuentes" in (page.text_content("#edition-es") or "")
    page.evaluate("location.hash = 'faq.merida-initiative'")
    spanish = page.locator("[id='es:faq.merida-initiative']")
    spanish.wait_for(state="visible")
    assert "¿Qué es la Iniciativa Mérida?" in spanish.inner_text()
    assert page.evaluate("document.documentElement.lang") == "es"


def test_a_hidden_record_is_shown_when_its_id_is_followed(
    opened: Callable[..., Watched],
) -> None:
    page = opened().page
    page.fill("#search", "fentanyl")
    page.evaluate("location.hash = 'faq.merida-initiative'")
    page.locator("[id='faq.merida-initiative']").wait_for(state="visible")


def test_the_language_switch_works_from_the_keyboard(opened: Callable[..., Watched]) -> None:
    page = opened().page
    page.focus("a[data-switch='es']")
    page.keyboard.press("Enter")
    page.wait_for_selector("html[lang='es']", state="attached")
    assert page.get_attribute("a[data-switch='es']", "aria-current") == "true"
    assert "cooperación en seguridad" in page.title()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_axe_finds_no_violation(opened: Callable[..., Watched], scheme: str,
                                language: str) -> None:
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright",
                                     reason="axe-playwright-python is not installed")
    page = opened(f"#edition-{language}", color_scheme=scheme).page
    page.emulate_media(color_scheme=scheme)
    page.wait_for_selector(f"html[lang='{language}']", state="attached")
    violations = axe_module.Axe().run(page).response["violations"]
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations] == []


def test_a_phone_width_needs_no_sideways_scrolling(opened: Callable[..., Watched]) -> None:
    page = opened(viewport={"width": 375, "height": 800}).page
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    _switch(page, "es")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_without_script_both_languages_are_readable(browser: Any, page_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(page_url)
        assert page.locator("#edition-en").is_visible()
        assert page.locator("#edition-es").is_visible()
        assert not page.locator("#search").is_visible()  # it needs the script
    finally:
        context.close()
