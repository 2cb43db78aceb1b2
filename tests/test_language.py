"""Choosing the language of a run (--lang, BINATSEC_LANG, the locale), `lang` in JSON, the
fallback when content has no text in the language asked for, and the quiz in Spanish."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from binatsec.corpus.records import Text
from binatsec.environment import asked_language
from binatsec.quiz import history
from binatsec.quiz.questions import FACT, MYTH, Option, Question
from conftest import ROOT, Run

LOCALE = ("LC_ALL", "LC_MESSAGES", "LANG")
NO_LOCALE: dict[str, str | None] = dict.fromkeys(("BINATSEC_LANG", *LOCALE))

BILINGUAL_FAQ = """\
[[faq]]
id = "faq.classroom"
question.en = "How can a classroom use binatsec?"
question.es = "¿Cómo puede usar binatsec un salón de clases?"
answer.en = "Students look up a myth, then read the figures beside it."
answer.es = "Los estudiantes buscan un mito y luego leen las cifras junto a él."
related = []
"""

ENGLISH_ONLY_FAQ = """\
[[faq]]
id = "faq.classroom"
question.en = "How can a classroom use binatsec?"
answer.en = "Students look up a myth, then read the figures beside it."
related = []

[[faq]]
id = "faq.homework"
question.en = "Can binatsec set homework?"
answer.en = "Its quiz prints a worksheet with an answer key."
related = []
"""


def _lang(cli: Callable[..., Run], *args: str, env: dict[str, str | None] | None = None) -> str:
    run = cli(*args, env={**NO_LOCALE, **(env or {})})
    assert run.exit_code == 0, run.stderr
    lang = run.json()["lang"]
    assert isinstance(lang, str)
    return lang


# --- choosing it ------------------------------------------------------------------------------


def test_english_when_nothing_asks_for_another(cli: Callable[..., Run]) -> None:
    assert _lang(cli, "faq", "--json") == "en"


def test_the_flag_works_before_and_after_the_command(cli: Callable[..., Run]) -> None:
    assert _lang(cli, "--lang", "es", "faq", "--json") == "es"
    assert _lang(cli, "faq", "--lang", "es", "--json") == "es"
    assert _lang(cli, "--lang", "es", "--json") == "es"  # the overview
    assert _lang(cli, "quiz", "history", "--lang", "es", "--json") == "es"


def test_the_flag_after_the_command_wins(cli: Callable[..., Run]) -> None:
    assert _lang(cli, "--lang", "es", "faq", "--lang", "en", "--json") == "en"
    assert _lang(cli, "--lang", "en", "faq", "--lang", "es", "--json") == "es"


def test_the_variable_and_the_flag_over_it(cli: Callable[..., Run]) -> None:
    assert _lang(cli, "faq", "--json", env={"BINATSEC_LANG": "es"}) == "es"
    assert _lang(cli, "faq", "--json", env={"BINATSEC_LANG": "ES"}) == "es"
    assert _lang(cli, "faq", "--lang", "en", "--json", env={"BINATSEC_LANG": "es"}) == "en"
    # The variable wins over the locale.
    assert _lang(cli, "faq", "--json", env={"BINATSEC_LANG": "en", "LANG": "es_MX.UTF-8"}) == "en"


@pytest.mark.parametrize("name", LOCALE)
def test_each_locale_variable_gives_spanish(cli: Callable[..., Run], name: str) -> None:
    assert _lang(cli, "faq", "--json", env={name: "es_MX.UTF-8"}) == "es"


@pytest.mark.parametrize(("environ", "expected"), [
    ({}, "en"),
    ({"LANG": "es"}, "es"),
    ({"LANG": "es_MX.UTF-8"}, "es"),
    ({"LANG": "es_ES@euro"}, "es"),
    ({"LANG": "es-MX"}, "es"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "fr_FR.UTF-8"}, "en"),
    ({"LANG": "est_EE"}, "en"),  # not Spanish: a language whose code starts with "es"
    ({"LC_ALL": "en_US.UTF-8", "LC_MESSAGES": "es_MX", "LANG": "es_MX"}, "en"),
    ({"LC_MESSAGES": "es_MX", "LANG": "en_US"}, "es"),
    ({"LC_MESSAGES": "en_US", "LANG": "es_MX"}, "en"),
    ({"LC_ALL": "C", "LANG": "es_MX.UTF-8"}, "es"),  # C, POSIX and empty are not a choice
    ({"LC_ALL": "POSIX", "LC_MESSAGES": "", "LANG": "es_MX"}, "es"),
    ({"LC_ALL": "C.UTF-8", "LANG": "es_MX"}, "es"),
    ({"BINATSEC_LANG": "en", "LC_ALL": "es_MX"}, "en"),
    ({"BINATSEC_LANG": " ", "LC_ALL": "es_MX"}, "es"),  # a blank variable is not set
])
def test_locale_precedence(environ: dict[str, str], expected: str) -> None:
    assert asked_language(environ)[0] == expected


@pytest.mark.parametrize("args", [("--lang", "fr", "faq"), ("faq", "--lang", "fr"),
                                  ("--lang", "fr"), ("quiz", "--lang", "fr")])
def test_an_unknown_language_is_a_usage_error_naming_those_there_are(
        cli: Callable[..., Run], args: tuple[str, ...]) -> None:
    run = cli(*args, env=NO_LOCALE)
    assert run.exit_code == 2
    assert run.stdout == ""
    assert len(run.stderr.splitlines()) == 1
    assert "unknown language 'fr'" in run.stderr
    assert "en, es" in run.stderr
    assert "Traceback" not in run.stderr


def test_an_unknown_language_offers_the_closest(cli: Callable[..., Run]) -> None:
    run = cli("faq", "--lang", "esp", env=NO_LOCALE)
    assert run.exit_code == 2
    assert "did you mean 'es'?" in run.stderr


def test_an_unknown_language_in_the_variable_names_the_variable(cli: Callable[..., Run]) -> None:
    run = cli("faq", env={**NO_LOCALE, "BINATSEC_LANG": "klingon"})
    assert run.exit_code == 2
    assert "BINATSEC_LANG" in run.stderr and "unknown language 'klingon'" in run.stderr
    # A flag on the command line overrides it.
    assert _lang(cli, "faq", "--lang", "en", "--json", env={"BINATSEC_LANG": "klingon"}) == "en"


@pytest.mark.parametrize("args", [("faq",), ("--lang", "all", "stats"),
                                  ("export", "--format", "csv"), ("search", "merida", "--json"),
                                  ("quiz", "--json", "--count", "1", "--answers", "a"),
                                  ("myths", "--quiz", "--json", "--count", "1")])
def test_all_is_for_records_in_json_only(cli: Callable[..., Run], args: tuple[str, ...]) -> None:
    run = cli(*args, *(() if "all" in args else ("--lang", "all")), env=NO_LOCALE)
    assert run.exit_code == 2, run.stdout
    assert "all" in run.stderr and "en or es" in run.stderr


# --- lang in JSON -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def validate() -> Callable[[str, Any], list[str]]:
    schemas = {path.name.removesuffix(".schema.json"): json.loads(path.read_text("utf-8"))
               for path in (ROOT / "schemas").glob("*.schema.json")}
    registry: Registry[Any] = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema, default_specification=DRAFT202012))
        for schema in schemas.values())

    def errors(name: str, document: Any) -> list[str]:
        found = Draft202012Validator(schemas[name], registry=registry).iter_errors(document)
        return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in found]

    return errors


@pytest.mark.parametrize("lang", ["en", "es", "all"])
@pytest.mark.parametrize("command", ["faq", "timeline", "stats", "sources", "export"])
def test_lang_in_json_and_the_schema_holds(cli: Callable[..., Run], lang: str, command: str,
                                           validate: Callable[[str, Any], list[str]]) -> None:
    run = cli(command, "--lang", lang, *(() if command == "export" else ("--json",)),
              env=NO_LOCALE)
    assert run.exit_code == 0, run.stderr
    document = run.json()
    assert document["lang"] == lang
    assert "language" not in document
    assert validate(command, document) == []


def test_text_fields_in_the_language_asked_for(cli: Callable[..., Run], tmp_path: Path) -> None:
    (tmp_path / "faq.toml").write_text(BILINGUAL_FAQ, encoding="utf-8")
    asked = ("--content-dir", str(tmp_path), "faq", "faq.classroom", "--json")
    english = cli(*asked, "--lang", "en", env=NO_LOCALE)
    spanish = cli(*asked, "--lang", "es", env=NO_LOCALE)
    both = cli(*asked, "--lang", "all", env=NO_LOCALE)
    assert english.json()["items"][0]["question"] == "How can a classroom use binatsec?"
    assert spanish.json()["items"][0]["question"] == "¿Cómo puede usar binatsec un salón de clases?"
    assert both.json()["items"][0]["question"] == {
        "en": "How can a classroom use binatsec?",
        "es": "¿Cómo puede usar binatsec un salón de clases?"}
    assert both.json()["items"][0]["id"] == "faq.classroom"  # ids are shared, never doubled
    assert "no Spanish" not in spanish.stderr + both.stderr + english.stderr


def test_all_gives_derived_text_and_figure_sentences_side_by_side(
        cli: Callable[..., Run]) -> None:
    document = cli("stats", "--lang", "all", "--json", env=NO_LOCALE).json()
    figure = document["items"][0]
    assert set(figure["sentence"]) == {"en", "es"}
    assert set(figure["label"]) == {"en", "es"}
    assert isinstance(figure["id"], str) and isinstance(figure["value"], (int, float))
    event = cli("timeline", "--lang", "all", "--json", env=NO_LOCALE).json()["items"][0]
    assert set(event["when"]) == {"en", "es"}


# --- a folder without a translation ----------------------------------------------------------


def test_an_english_only_folder_falls_back_with_one_notice(cli: Callable[..., Run],
                                                           tmp_path: Path) -> None:
    (tmp_path / "faq.toml").write_text(ENGLISH_ONLY_FAQ, encoding="utf-8")
    run = cli("--content-dir", str(tmp_path), "--lang", "es", "faq", "faq.classroom",
              "--json", env=NO_LOCALE)
    assert run.exit_code == 0
    assert run.json()["items"][0]["answer"].startswith("Students look up a myth")
    notices = [line for line in run.stderr.splitlines() if "texto en español" in line]
    assert notices == ["binatsec: 2 registros de su carpeta no tienen texto en español; se "
                       "muestra su texto en inglés"]
    # Text for people too, and never in English.
    shown = cli("--content-dir", str(tmp_path), "faq", "faq.homework", "--lang", "es",
                env=NO_LOCALE)
    assert shown.exit_code == 0
    assert "worksheet" in shown.stdout
    assert shown.stderr.count("no tienen texto en español") == 1
    english = cli("--content-dir", str(tmp_path), "faq", "faq.homework", env=NO_LOCALE)
    assert english.stderr == ""


def test_text_falls_back_both_ways() -> None:
    assert Text(en="Border").get("es") == "Border"
    assert Text(en="Border", es="Frontera").get("es") == "Frontera"
    assert Text(en="Border", es="Frontera").get("en") == "Border"
    assert Text(en="", es="Frontera").get("en") == "Frontera"
    assert Text(en="Border", es="Frontera").get("all") == "Border"
    assert not Text(en="Border").has("es") and Text(en="Border").has("en")


# --- the quiz in Spanish ---------------------------------------------------------------------


@pytest.fixture
def data_dir(tmp_path: Path, run_environ: dict[str, str]) -> Path:
    folder = tmp_path / "data"
    run_environ["BINATSEC_DATA_DIR"] = str(folder)
    return folder


def _myth_or_fact() -> Question:
    return Question(id="myth.x#myth-or-fact", record_id="myth.x", topic="myths", kind="myth",
                    prompt="?", options=(Option(MYTH, "Myth"), Option(FACT, "Fact")),
                    answer=MYTH, explanation=".", multiple_choice=False)


@pytest.mark.parametrize(("typed", "key"), [
    ("m", MYTH), ("mito", MYTH), ("MITO", MYTH), ("Mito.", MYTH), ("myth", MYTH),
    ("h", FACT), ("hecho", FACT), ("Hecho", FACT), ("f", FACT), ("fact", FACT),
    ("mitos", None), ("hechos", None), ("x", None),
])
def test_myth_or_fact_takes_spanish_words_and_keys(typed: str, key: str | None) -> None:
    assert _myth_or_fact().parse(typed) == key


def _answer_key(cli: Callable[..., Run], count: int) -> list[dict[str, Any]]:
    sheet = cli("myths", "--quiz", "--print", "--json", "--count", str(count), "--seed", "7",
                env=NO_LOCALE).json()
    key: list[dict[str, Any]] = sheet["answer_key"]
    return key


def _spanish(key: str, right: bool = True) -> str:
    return {(MYTH, True): "m", (FACT, True): "h", (MYTH, False): "h", (FACT, False): "m"}[
        (key, right)]


def test_scripted_spanish_answers_are_graded_and_the_history_keeps_the_language(
        cli: Callable[..., Run], data_dir: Path) -> None:
    key = _answer_key(cli, 3)
    answers = ",".join(_spanish(item["answer"]) for item in key)
    run = cli("myths", "--quiz", "--lang", "es", "--json", "--count", "3", "--seed", "7",
              "--answers", answers, env=NO_LOCALE)
    assert run.exit_code == 0, run.stderr
    document = run.json()
    assert document["lang"] == "es"
    assert document["right"] == 3
    assert [q["id"] for q in document["questions"]] == [item["id"] for item in key]
    past = cli("quiz", "history", "--json", env=NO_LOCALE).json()["quizzes"]
    assert [quiz["lang"] for quiz in past] == ["es"]


def test_typed_spanish_words_are_graded(cli: Callable[..., Run], data_dir: Path) -> None:
    key = _answer_key(cli, 2)
    words = {MYTH: "mito", FACT: "hecho"}
    typed = "".join(f"{words[item['answer']]}\n" for item in key)
    run = cli("myths", "--quiz", "--count", "2", "--seed", "7", "--json", input=typed,
              env={**NO_LOCALE, "BINATSEC_LANG": "es"})
    assert run.exit_code == 0, run.stderr
    assert run.json()["right"] == 2


def test_a_question_missed_in_spanish_is_due_in_english(cli: Callable[..., Run],
                                                       data_dir: Path) -> None:
    key = _answer_key(cli, 1)
    missed = key[0]["id"]
    wrong = _spanish(key[0]["answer"], right=False)
    played = cli("myths", "--quiz", "--lang", "es", "--json", "--count", "1", "--seed", "7",
                 "--answers", wrong, env=NO_LOCALE)
    assert played.json()["missed"] == [missed]
    kept = cli("quiz", "history", "--json", env=NO_LOCALE).json()
    assert kept["quizzes"][-1]["lang"] == "es"
    assert missed in kept["due_for_review"]
    review = cli("quiz", "--review", "--topic", "myths", "--print", "--json", "--count", "1",
                 "--lang", "en", env=NO_LOCALE).json()
    assert review["lang"] == "en"
    assert [q["id"] for q in review["questions"]] == [missed]


def test_a_kept_quiz_without_a_language_was_played_in_english() -> None:
    entry = {"finished_at": "2026-11-28T09:30:00Z", "topic": "myths", "seed": 1, "score": 1,
             "total": 1, "planned": 1, "complete": True, "missed": []}
    topics = frozenset({"myths"})
    old = history._quiz(entry, topics)
    assert old is not None and old.lang == "en"
    spanish = history._quiz({**entry, "lang": "es"}, topics)
    assert spanish is not None and spanish.lang == "es"
    unknown = history._quiz({**entry, "lang": "tlh"}, topics)
    assert unknown is not None and unknown.lang == "en"
    assert history.quiz_document(spanish)["lang"] == "es"
