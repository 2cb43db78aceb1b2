"""Keep the gettext catalogs of binatsec's own words current (Babel: a dev tool, not a runtime
dependency; the run reads the .mo with the stdlib `gettext`, binatsec.i18n).

    python -m binatsec.devtools.catalog            # extract, merge into each .po, compile .mo
    python -m binatsec.devtools.catalog --check    # exit 1 if a catalog is stale

It extracts every `_("...")`, `N_("...")` and `ngettext("...", "...", n)` in src/binatsec, and
the help of the commands in src/binatsec/cli (docstrings and literal `help=` texts, which
Typer reads), into locale/binatsec.pot; merges that into locale/LANG/LC_MESSAGES/binatsec.po
(new strings come in untranslated, strings gone from the code are dropped, translations are
kept); and compiles each .po into its .mo. Translate the empty msgstr entries in the .po, then
run it again. tests/test_i18n.py fails while a string has no translation, the .po has a
string the code no longer says, or the .mo is not compiled from the .po.
"""

from __future__ import annotations

import ast
import io
import sys
from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from binatsec.i18n import CATALOGS, DOMAIN, LOCALE_DIR

COMMAND = "python -m binatsec.devtools.catalog"
PACKAGE = Path(__file__).resolve().parents[1]
# `tr` is `_` where a module uses `_` for a value it ignores (cli/quiz.py).
KEYWORDS = {"_": None, "tr": None, "N_": None, "ngettext": (1, 2)}
POT = LOCALE_DIR / f"{DOMAIN}.pot"
# The catalogs' dates stay put, so that running this twice changes nothing (git keeps the rest).
FIXED_DATE = datetime(2026, 1, 1, tzinfo=timezone.utc)
HEADER = """\
# binatsec's own words{language}.
# This file is distributed under the same license as the binatsec project (MIT).
# Kept by `python -m binatsec.devtools.catalog`: translate msgstr, never edit msgid.
#"""


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract() -> Catalog:
    """Every marked string in the package's code, as a template catalog."""
    template = Catalog(project="binatsec", domain=DOMAIN, charset="utf-8", fuzzy=False,
                       creation_date=FIXED_DATE, revision_date=FIXED_DATE,
                       header_comment=HEADER.format(language=""), version="1",
                       msgid_bugs_address="https://binatsec.invalid/issues")
    method_map = [("**.py", "python")]
    for filename, lineno, message, comments, context in extract_from_dir(
            str(PACKAGE), method_map, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",),
            strip_comment_tags=True):
        template.add(message, None, [(f"binatsec/{filename}", lineno)],
                     auto_comments=comments, context=context)
    for path in sorted((PACKAGE / "cli").glob("*.py")):
        for text, lineno in help_texts(path):
            template.add(text, None, [(f"binatsec/cli/{path.name}", lineno)],
                         flags=("help",))
    return template


def help_texts(path: Path) -> Iterator[tuple[str, int]]:
    """The help a CLI module gives Typer, as Typer reads it: each command's docstring
    (cleaned as `inspect.getdoc` does) and each literal `help="..."`; an f-string is left
    out (it has no one English to look up). cli/helpformat.py's `localize` translates them
    when a command is built or its help drawn."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
                and d.func.attr in ("command", "callback") for d in node.decorator_list):
            doc = ast.get_docstring(node, clean=True)
            if doc:
                yield doc, node.lineno
        elif isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "help" and isinstance(keyword.value, ast.Constant) \
                        and isinstance(keyword.value.value, str) and keyword.value.value:
                    yield keyword.value.value, keyword.value.lineno


def msgids(catalog: Catalog) -> set[str | tuple[str, ...]]:
    """The ids of a catalog's messages (a plural's is its two forms), header left out."""
    return {message.id if isinstance(message.id, str) else tuple(message.id)
            for message in catalog if message.id}


def read(language: str) -> Catalog:
    with po_path(language).open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def _po_bytes(catalog: Catalog, **options: bool) -> bytes:
    buffer = io.BytesIO()
    # Files, not line numbers: an edit above a string does not make the catalogs stale.
    write_po(buffer, catalog, width=100, include_lineno=False, **options)
    return buffer.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def update(check: bool = False) -> list[Path]:
    """Write the template, each .po and each .mo (or, with `check`, list those that would
    change)."""
    template = extract()
    stale: list[Path] = []
    written: dict[Path, bytes] = {POT: _po_bytes(template, omit_header=False,
                                                 sort_output=True)}
    for language in CATALOGS:
        path = po_path(language)
        if path.exists():
            catalog = read(language)
        else:
            catalog = Catalog(locale=language, domain=DOMAIN, project="binatsec",
                              charset="utf-8", creation_date=FIXED_DATE,
                              revision_date=FIXED_DATE)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.header_comment = HEADER.format(language=f" in {language}")
        catalog.fuzzy = False
        catalog.version, catalog.msgid_bugs_address = template.version, template.msgid_bugs_address
        catalog.obsolete.clear()
        po = _po_bytes(catalog, sort_output=True, ignore_obsolete=True)
        written[path] = po
        written[path.with_suffix(".mo")] = mo_bytes(read_po(io.BytesIO(po), locale=language,
                                                            domain=DOMAIN))
    for path, data in written.items():
        if path.exists() and path.read_bytes() == data:
            continue
        stale.append(path)
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    return stale


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    stale = update(check=check)
    for path in stale:
        print(f"{'stale' if check else 'wrote'}: {path}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
