"""The tool's own words in the run's language: `_()` and `ngettext()`, bound once per run.

Records carry both languages themselves (`Text.en`, `Text.es`); what binatsec says of its own
(headers, prompts, errors, help, the strings Click and Typer print) is written in English in
the code, marked `_("...")` (or `N_("...")` where it is only named, translated later), and
translated from the gettext catalog in `locale/` (binatsec.pot, es/LC_MESSAGES/binatsec.po and
the compiled .mo, which `python -m binatsec.devtools.catalog` keeps current).

English is the identity: no catalog is read and `gettext` is not imported by this module
until `set_language` is asked for another language. The run's language is set once, when it is
known (`set_language`); tests that change it set it back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gettext import NullTranslations

DOMAIN = "binatsec"
ENGLISH = "en"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
# The languages with a catalog, besides English (which is the code's own).
CATALOGS = ("es",)

_catalog: NullTranslations | None = None
_language = ENGLISH
# Each catalog once read: an edition switches language per record (70,000 records: 1 s of
# gettext's lookups on disk).
_catalogs: dict[str, NullTranslations] = {}
# Texts composed of translated parts (a list read from a registry), by the text first made.
_composed: dict[str, Callable[[], str]] = {}


def set_language(code: str) -> None:
    """Speak `code` ("es", "es_MX", "es-MX", "en") from now on; a language without a catalog
    is English."""
    global _catalog, _language
    base = code.replace("-", "_").split("_")[0].split(".")[0].lower()
    if base not in CATALOGS:
        _catalog, _language = None, ENGLISH
        return
    if base not in _catalogs:
        import gettext

        _catalogs[base] = gettext.translation(DOMAIN, localedir=LOCALE_DIR,
                                              languages=[base], fallback=True)
    _catalog, _language = _catalogs[base], base


@contextmanager
def speaking(code: str) -> Iterator[None]:
    """Speak `code` for the block, then the language spoken before it ("all": unchanged)."""
    before = _language
    if code in (ENGLISH, *CATALOGS):
        set_language(code)
    try:
        yield
    finally:
        set_language(before)


def language() -> str:
    """The language binatsec speaks in this run ("en" or one of CATALOGS)."""
    return _language


def _(message: str) -> str:
    """`message` in the run's language (an empty one stays empty: gettext would give the
    catalog's header); a `composed` text is made again in it."""
    make = _composed.get(message)
    if make is not None:
        return make()
    return message if _catalog is None or not message else _catalog.gettext(message)


def composed(make: Callable[[], str]) -> str:
    """A text made of translated parts, such as a help that lists a registry's entries: no
    catalog entry can hold it whole, so `_()` of the text returned calls `make` again."""
    text = make()
    _composed[text] = make
    return text


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form for `count` in the run's language (English: `singular` for 1)."""
    if _catalog is None:
        return singular if count == 1 else plural
    return _catalog.ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Mark `message` for the catalog where it is only named; `_()` translates it later."""
    return message
