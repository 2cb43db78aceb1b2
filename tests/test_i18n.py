"""binatsec's own words in Spanish, from gettext catalogs (binatsec.i18n, locale/).

The catalog is complete (every string has its Spanish, none fuzzy), current (extracting the
code again gives exactly its strings) and compiled (the .mo is the .po's); help, headings,
screens and usage errors speak Spanish under --lang es; an English run reads no catalog.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from binatsec import i18n
from binatsec.devtools import catalog
from conftest import Run

PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")


@pytest.fixture(autouse=True)
def _english_after() -> Iterator[None]:
    """The language is the process's: leave it English for the tests that follow."""
    yield
    i18n.set_language(i18n.ENGLISH)


def _forms(value: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


@pytest.mark.parametrize("language", i18n.CATALOGS)
def test_every_message_has_its_translation_and_none_is_fuzzy(language: str) -> None:
    po = catalog.read(language)
    assert not po.fuzzy, "the catalog's header is marked fuzzy"
    untranslated = [message.id for message in po if message.id and (
        message.fuzzy or not all(form.strip() for form in _forms(message.string)))]
    assert not untranslated, f"translate these in {catalog.po_path(language)}: {untranslated}"


@pytest.mark.parametrize("language", i18n.CATALOGS)
def test_translations_keep_the_placeholders(language: str) -> None:
    """A translation names the same {placeholders} as its English (a singular may leave out
    the count it spells out); no other."""
    for message in catalog.read(language):
        if not message.id:
            continue
        english = {name for form in _forms(message.id) for name in PLACEHOLDER.findall(form)}
        for form in _forms(message.string):
            said = set(PLACEHOLDER.findall(form))
            assert said <= english, (message.id, form)
            if isinstance(message.id, str):
                assert said == english, (message.id, form)


@pytest.mark.parametrize("language", i18n.CATALOGS)
def test_catalog_has_exactly_the_strings_the_code_says(language: str) -> None:
    """No stale entry and none missing: `python -m binatsec.devtools.catalog` merges and
    compiles them."""
    said = catalog.msgids(catalog.extract())
    kept = catalog.msgids(catalog.read(language))
    assert not said - kept, f"not in the catalog yet ({catalog.COMMAND}): {said - kept}"
    assert not kept - said, f"stale in the catalog ({catalog.COMMAND}): {kept - said}"
    with catalog.POT.open("rb") as handle:
        from babel.messages.pofile import read_po

        assert catalog.msgids(read_po(handle)) == said


@pytest.mark.parametrize("language", i18n.CATALOGS)
def test_mo_is_compiled_from_the_current_po(language: str) -> None:
    mo = catalog.po_path(language).with_suffix(".mo")
    assert mo.read_bytes() == catalog.mo_bytes(catalog.read(language)), \
        f"recompile with {catalog.COMMAND}"


def test_catalogs_are_up_to_date() -> None:
    assert catalog.update(check=True) == []


def test_set_language_takes_locale_forms_and_english_is_the_identity() -> None:
    i18n.set_language("es_MX.UTF-8")
    assert i18n.language() == "es"
    assert i18n._("Options") == "Opciones"
    assert i18n.ngettext("{count} warning", "{count} warnings", 2) == "{count} advertencias"
    i18n.set_language("en")
    assert i18n.language() == "en"
    assert i18n._("Options") == "Options"
    assert i18n.ngettext("{count} warning", "{count} warnings", 1) == "{count} warning"
    i18n.set_language("fr")  # no catalog: English
    assert i18n.language() == "en"


@pytest.mark.parametrize("how", ["flag", "variable"])
def test_help_in_spanish(cli: Callable[..., Run], how: str) -> None:
    if how == "flag":
        done = cli("--lang", "es", "--help", env={"COLUMNS": "80"})
    else:
        done = cli("--help", env={"COLUMNS": "80", "BINATSEC_LANG": "es"})
    assert done.exit_code == 0, done.stderr
    out = done.stdout
    assert out.startswith("Uso: binatsec ")
    for heading in ("Opciones:", "Comandos:"):
        assert f"\n{heading}\n" in out
    assert "Muestra este mensaje y sale." in " ".join(out.split())
    assert "variable de entorno:" in " ".join(out.split())
    for english in ("Usage:", "Options:", "Commands:", "Show this message"):
        assert english not in out


def test_a_command_s_help_in_spanish_and_english_again(cli: Callable[..., Run]) -> None:
    spanish = cli("faq", "--lang", "es", "--help", env={"COLUMNS": "80"})
    assert spanish.exit_code == 0, spanish.stderr
    assert spanish.stdout.startswith("Uso: binatsec faq ")
    assert "\nArgumentos:\n" in spanish.stdout
    # The same process, the same cached options: English again.
    english = cli("faq", "--help", env={"COLUMNS": "80"})
    assert english.stdout.startswith("Usage: binatsec faq ")
    assert "Show this message and exit." in english.stdout
    assert "Opciones" not in english.stdout


@pytest.mark.parametrize(("args", "spanish"), [
    (("faq", "--bogus"), "error: No existe la opción: --bogus (véase 'binatsec faq --help')"),
    (("fqa",), "error: no existe el comando 'fqa'; ¿tal vez 'faq'? (véase "
               "'binatsec --help')"),
    (("export", "--format", "xx"), "error: Valor no válido para --format: formato desconocido "
                                   "'xx'"),
])
def test_usage_errors_in_spanish(cli: Callable[..., Run], args: tuple[str, ...],
                                 spanish: str) -> None:
    done = cli("--lang", "es", *args)
    assert done.exit_code == 2
    assert spanish in done.stderr
    english = cli(*args)
    assert english.exit_code == 2
    assert "error: " in english.stderr
    assert not re.search(r"[áéíóúñ¿]|véase", english.stderr)


def test_overview_in_spanish(cli: Callable[..., Run]) -> None:
    done = cli("--lang", "es", "--no-pager", env={"COLUMNS": "100"})
    assert done.exit_code == 0, done.stderr
    assert "una referencia sin conexión sobre la cooperación en seguridad" in done.stdout
    assert "Para probar:" in done.stdout
    assert "Try:" not in done.stdout


def test_search_count_in_spanish(cli: Callable[..., Run]) -> None:
    done = cli("--lang", "es", "search", "merida", "--no-pager", env={"COLUMNS": "100"})
    assert done.exit_code == 0, done.stderr
    assert re.search(r"\d+ resultados? para 'merida'", done.stdout)


# An English run, as the console script starts it, reporting whether binatsec read a catalog.
RUNNER = """
import json, os, runpy, sys
report, sys.argv = sys.argv[1], ["binatsec", *sys.argv[2:]]
os._exit = lambda code: (_ for _ in ()).throw(SystemExit(code))
try:
    runpy.run_module("binatsec", run_name="__main__")
except SystemExit:
    pass
finally:
    from binatsec import i18n
    with open(report, "w", encoding="utf-8") as handle:
        json.dump({"catalog": i18n._catalog is not None, "language": i18n.language()}, handle)
"""


@pytest.mark.parametrize("args", [("--help",), ("faq", "merida"), ("faq", "--json")],
                         ids=" ".join)
def test_an_english_run_reads_no_catalog(args: tuple[str, ...], tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    env = {k: v for k, v in os.environ.items()
           if k not in ("BINATSEC_CONTENT_DIR", "BINATSEC_LANG", "LC_ALL", "LC_MESSAGES")}
    env.update(COLUMNS="80", LANG="C.UTF-8", BINATSEC_PAGER="")
    done = subprocess.run([sys.executable, "-c", RUNNER, str(report), *args], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(report.read_text(encoding="utf-8")) == {"catalog": False,
                                                              "language": "en"}


def test_i18n_itself_imports_no_gettext() -> None:
    """The English path costs no gettext import of binatsec's own (Typer imports gettext for
    its own marks; binatsec.i18n does not add it)."""
    done = subprocess.run([sys.executable, "-c", "import sys, binatsec.i18n as m; "
                           "m._('x'); m.ngettext('a', 'b', 2); m.set_language('en'); "
                           "print('gettext' in sys.modules)"],
                          capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "False"


def test_man_page_in_spanish(cli: Callable[..., Run]) -> None:
    done = cli("--lang", "es", "man")
    assert done.exit_code == 0, done.stderr
    page = done.stdout
    for heading in ("NOMBRE", "SINOPSIS", "OPCIONES", "COMANDOS", "ESTADO DE SALIDA",
                    "ENTORNO"):
        assert f"\n.SH {heading}\n" in page
    assert "Muestra este mensaje y sale." in page
    assert "\n.SH NAME\n" in cli("man").stdout


def test_quiz_screen_in_spanish(cli: Callable[..., Run]) -> None:
    done = cli("--lang", "es", "quiz", "--topic", "pillars", "--count", "1", "--seed", "1",
               "--no-save", input="q\n", env={"COLUMNS": "80"})
    assert "Cuestionario: " in done.stdout
    assert "Pregunta 1 de 1" in done.stdout
    assert "Question" not in done.stdout


def test_overview_shows_spanish_section_titles(cli: Callable[..., Run]) -> None:
    done = cli("--lang", "es", "--no-pager", env={"COLUMNS": "120"})
    assert done.exit_code == 0, done.stderr
    assert "ideas erróneas comunes, cada una corregida" in done.stdout
    assert "Myths and realities" not in cli("--lang", "es", "myths", "--no-pager").stdout
    assert "Mitos y realidades" in cli("--lang", "es", "myths", "--no-pager").stdout


def test_a_spanish_quiz_question_and_its_hint(cli: Callable[..., Run]) -> None:
    done = cli("--lang", "es", "quiz", "--topic", "myths", "--count", "1", "--seed", "1",
               "--json", "--answers", "m", "--no-save")
    assert done.exit_code == 0, done.stderr
    question = done.json()["questions"][0]
    assert question["prompt"].startswith("¿Mito o hecho?"), question
    from binatsec.quiz.questions import Option, Question

    i18n.set_language("es")
    asked = Question(id="myth.x#myth", record_id="myth.x", topic="myths", kind="myth-or-fact",
                     prompt="", options=(Option("m", "mito"), Option("f", "hecho")),
                     answer="m", explanation="", multiple_choice=False)
    assert "m (mito) o h (hecho)" in asked.hint()


def _english_runs(text: str, length: int = 5) -> set[tuple[str, ...]]:
    """Every run of `length` plain words in `text`: a sentence left in English shows up as
    one in the Spanish help, while option names, values and examples break the runs."""
    runs: set[tuple[str, ...]] = set()
    prose = [line for line in text.splitlines() if not line.strip().startswith("binatsec")]
    current: list[str] = []
    for token in " ".join(prose).split():  # a sentence may wrap; an example is one line
        word = token.strip(".,;:()'\"").lower()
        if word.isalpha() and word.isascii():
            current.append(word)
            if len(current) >= length:
                runs.add(tuple(current[-length:]))
        else:
            current = []
    return runs


def _help_commands(cli: Callable[..., Run]) -> list[tuple[str, ...]]:
    listing = cli("--help", env={"COLUMNS": "80"}).stdout.split("\nCommands:\n", 1)[1]
    listing = listing.split("\n\n", 1)[0]
    names = [line.split()[0] for line in listing.splitlines()
             if line.startswith("  ") and not line.startswith("   ") and line.split()]
    return [(), *((name,) for name in names if name != "binatsec"), ("quiz", "history")]


@pytest.mark.parametrize("lang_first", [True, False], ids=["--lang first", "--help first"])
def test_no_help_is_left_in_english(cli: Callable[..., Run], lang_first: bool) -> None:
    """Every command's help under --lang es, wherever --lang is on the line: help composed
    from a registry (export's formats, the quiz's topics) and the run's own options too."""
    from binatsec import formats
    from binatsec.corpus import kinds
    from binatsec.quiz import topics

    values = ({kind.name for kind in kinds.all_kinds()} | set(topics.names())
              | set(formats.words()))
    left: dict[str, set[tuple[str, ...]]] = {}
    for command in _help_commands(cli):
        english = cli(*command, "--help", env={"COLUMNS": "80"}).stdout
        args = (("--lang", "es", *command, "--help") if lang_first
                else (*command, "--help", "--lang", "es"))
        spanish = cli(*args, env={"COLUMNS": "80"})
        assert spanish.exit_code == 0, spanish.stderr
        found = {run for run in _english_runs(english) & _english_runs(spanish.stdout)
                 if not set(run) <= values}  # a list of values (--topic's) is no English
        if found:
            left[" ".join(command) or "binatsec"] = found
    assert not left


def test_composed_text_is_made_again_in_each_language() -> None:
    from binatsec.i18n import _, composed

    text = composed(lambda: _("{formats}. Any case.").format(formats="json"))
    assert text == "json. Any case."
    i18n.set_language("es")
    assert _(text) == "json. Sin importar mayúsculas."
    i18n.set_language(i18n.ENGLISH)
    assert _(text) == text
