"""The loader and `binatsec lint`: every numbered rule has a failing fixture, problems are
located precisely, a user's folder layers over the bundled corpus, and nothing but a
ContentError ever escapes the loader."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from binatsec.corpus.kinds import files
from binatsec.corpus.loader import ContentSource, lint
from binatsec.corpus.problems import ContentError, Problem
from binatsec.corpus.resources import bundled_content
from binatsec.corpus.spec import MAX_FILE_BYTES, RULES, WARNINGS
from conftest import ROOT, Run

CONTENT_FILES = files()

FIXTURES = ROOT / "tests" / "fixtures" / "lint"
SPEC = ROOT / "docs" / "content-spec.md"


@dataclass(frozen=True)
class Expected:
    """Where a fixture's one problem must point."""

    file: str
    line: int | None
    record_id: str | None = None
    key: str | None = None


EXPECTED: dict[str, Expected] = {
    "BC001-invalid-toml": Expected("faq.toml", 3),
    "BC002-unknown-file-name": Expected("faqs.toml", None),
    "BC003-unknown-key": Expected("faq.toml", 5, "faq.with-tags", "tags"),
    "BC004-missing-key": Expected("myths.toml", 1, "myth.no-reality", "reality"),
    "BC005-wrong-type": Expected("stats.toml", 6, "stat.value-as-words", "value"),
    "BC006-bad-id": Expected("faq.toml", 2, "faq.Merida_Initiative", "id"),
    "BC007-duplicate-id": Expected("actions.toml", 7, "action.write-to-a-representative", "id"),
    "BC008-unknown-category": Expected("stats.toml", 3, "stat.rainfall", "category"),
    "BC009-dangling-link": Expected("faq.toml", 5, "faq.dangling", "related"),
    "BC010-unknown-qualifier": Expected("stats.toml", 8, "stat.roughly", "qualifier"),
    "BC011-blank-text": Expected("faq.toml", 4, "faq.blank-answer", "answer.en"),
    "BC013-invented-date": Expected("timeline.toml", 7, "event.rise-of-cartels-again", "when"),
    "BC014-deep-key": Expected("faq.toml", 4),
    "BC015-control-characters": Expected("faq.toml", 5, "faq.title-setter", "answer.en"),
    "BC016-undated-ongoing": Expected("timeline.toml", 6, "event.cartels-keep-growing",
                                      "ongoing"),
    "BC017-copied-translation": Expected("faq.toml", 6, "faq.copied-translation",
                                         "answer.es"),
}


def fixture_folders() -> list[Path]:
    return sorted(path for path in FIXTURES.iterdir() if path.is_dir())


def overlay_problems(folder: Path) -> list[Problem]:
    return lint(ContentSource(bundled_content(), folder))[0]


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# --- one failing fixture per rule ----------------------------------------------------------


def test_every_fixture_folder_is_expected_and_every_rule_has_a_fixture() -> None:
    names = [folder.name for folder in fixture_folders()]
    assert names == sorted(EXPECTED)
    # BC012 (symlinks, huge files, unreadable paths) is built at test time below: such
    # files do not survive a git checkout or an sdist reliably.
    assert {name[:5] for name in names} | {"BC012"} == set(RULES)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_fails_with_exactly_its_rule_located(name: str) -> None:
    expected = EXPECTED[name]
    problems = overlay_problems(FIXTURES / name)
    assert [p.rule for p in problems] == [name[:5]], problems
    problem = problems[0]
    assert Path(problem.file).name == expected.file
    assert problem.line == expected.line
    assert problem.record_id == expected.record_id
    assert problem.key == expected.key
    shown = str(problem)
    assert expected.file in shown
    assert shown.endswith(f"[{name[:5]}]")
    if expected.line is not None:
        assert f"{expected.file}:{expected.line}" in shown
    if expected.record_id is not None:
        assert expected.record_id in shown
    if expected.key is not None:
        assert f": {expected.key}: " in shown


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if n[:5] not in WARNINGS))
def test_fixture_is_a_content_error_when_loaded(name: str) -> None:
    with pytest.raises(ContentError) as raised:
        ContentSource(bundled_content(), FIXTURES / name).load()
    assert [p.rule for p in raised.value.problems] == [name[:5]]
    assert name[:5] in str(raised.value)


def test_syntax_error_gives_line_and_column() -> None:
    (problem,) = overlay_problems(FIXTURES / "BC001-invalid-toml")
    assert (problem.line, problem.column) == (3, 43)
    assert problem.message.startswith("TOML syntax error")


def test_unknown_file_name_lists_the_expected_names() -> None:
    (problem,) = overlay_problems(FIXTURES / "BC002-unknown-file-name")
    for name in CONTENT_FILES:
        assert name in problem.message


def test_text_that_is_not_utf8_breaks_bc001(tmp_path: Path) -> None:
    (tmp_path / "faq.toml").write_bytes(b'[[faq]]\nid = "faq.latin1"\nquestion.en = "caf\xe9"\n')
    (problem,) = overlay_problems(tmp_path)
    assert problem.rule == "BC001"
    assert "UTF-8" in problem.message


@pytest.mark.parametrize(("text", "rule", "key"), [
    ('[[faq]]\nid = "faq.fr"\nquestion.en = "Q?"\nquestion.fr = "Q ?"\nanswer.en = "A."\n',
     "BC011", "question.fr"),
    ('[[faq]]\nid = "faq.no-english"\nquestion.es = "¿Q?"\nanswer.en = "A."\n',
     "BC011", "question.en"),
    ('[[faq]]\nid = "faq.plain-string"\nquestion = "Q?"\nanswer.en = "A."\n',
     "BC005", "question"),
    ('[[faq]]\nid = "myth.wrong-prefix"\nquestion.en = "Q?"\nanswer.en = "A."\n',
     "BC006", "id"),
    ('[faq]\nid = "faq.single-table"\n', "BC005", None),
    ('[[question]]\nid = "faq.wrong-table"\n', "BC003", None),
])
def test_more_ways_to_break_faq(tmp_path: Path, text: str, rule: str, key: str | None) -> None:
    write(tmp_path, "faq.toml", text)
    (problem,) = overlay_problems(tmp_path)
    assert (problem.rule, problem.key) == (rule, key)


@pytest.mark.parametrize(("field", "value", "key"), [
    ("value", "163", "value"),  # unit is percent below: a share cannot pass 100
    ("year", "1700", "year"),
    ("qualifier", '"more than"', "qualifier"),  # the article's "more than" is recorded as over
    ("unit", '"tonnes"', "unit"),
])
def test_statistic_values_outside_their_range_break_bc010(
    tmp_path: Path, field: str, value: str, key: str
) -> None:
    fields = {"value": "63", "year": "2021", "qualifier": '"exact"', "unit": '"percent"'}
    fields[field] = value
    write(tmp_path, "stats.toml", '[[stat]]\nid = "stat.share"\ncategory = "public-opinion"\n'
          'label.en = "A share"\nwhat.en = "of people"\n'
          + "".join(f"{k} = {v}\n" for k, v in fields.items()))
    (problem,) = overlay_problems(tmp_path)
    assert (problem.rule, problem.record_id, problem.key) == ("BC010", "stat.share", key)


def test_timeline_end_year_before_year_breaks_bc010(tmp_path: Path) -> None:
    write(tmp_path, "timeline.toml", '[[event]]\nid = "event.backwards"\nyear = 2000\n'
          'end_year = 1999\ntitle.en = "Backwards"\nsummary.en = "Ends before it starts."\n')
    (problem,) = overlay_problems(tmp_path)
    assert (problem.rule, problem.key, problem.line) == ("BC010", "end_year", 4)


# --- BC014: keys too deep for the parser -------------------------------------------------------


def _toml_parser() -> Any:
    """The module binatsec parses TOML with: tomllib, or tomli before Python 3.11."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    return tomllib


def _parser_refusing(marker: str) -> Callable[..., Any]:
    """tomllib.loads, except on text holding `marker`: that would take the parser minutes."""
    tomllib = _toml_parser()

    real = tomllib.loads

    def loads(text: str, **options: Any) -> Any:
        if marker in text:
            raise AssertionError("a deep key reached the parser")
        return real(text, **options)

    return loads


@pytest.mark.parametrize("parts", [20_000, 200_000])
@pytest.mark.parametrize(("shape", "line"), [
    ("{deep} = 1", 3), ("[{deep}]", 3), ("x = {{ {deep} = 1 }}", 3),
    ('"quoted" . {deep} = 1', 3), ("[[faq]]\n{deep}.x = 1", 4)])
def test_a_key_of_thousands_of_parts_is_refused_before_parsing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parts: int, shape: str,
        line: int) -> None:
    """tomllib's time grows with the square of a key's parts (5 s at 20,000, minutes at
    200,000): such a key is refused by a scan of the text, and the parser never sees it."""
    deep = ".".join(["k"] * parts)
    write(tmp_path, "faq.toml", '[[faq]]\nid = "faq.deep"\n' + shape.format(deep=deep) + "\n")
    monkeypatch.setattr(_toml_parser(), "loads", _parser_refusing("k.k.k.k"))
    (problem,) = overlay_problems(tmp_path)
    assert (problem.rule, problem.line) == ("BC014", line)
    assert "32" in problem.message
    assert f"faq.toml:{line}:" in str(problem)


def test_keys_up_to_the_limit_and_dots_in_text_reach_the_parser(tmp_path: Path) -> None:
    dotted = ", ".join([".".join(["word"] * 40)] * 3)  # looks like deep keys, but is text
    write(tmp_path, "faq.toml", '[[faq]]\nid = "faq.dots"\nquestion.en = "Q?"\n'
          f'answer.en = "{dotted}"\n# {dotted}\n'
          f'related = ["{dotted}"]\nnote = """\n{dotted}\n"""\n'
          + ".".join(["x"] * 32) + " = 1\n")
    problems = overlay_problems(tmp_path)
    # The broken record's link (text, not an id) is checked in the same run.
    assert sorted((p.rule, p.key) for p in problems) == [("BC003", "note"), ("BC003", "x"),
                                                         ("BC009", "related")]


# --- BC012, built at test time --------------------------------------------------------------


def test_symlinked_content_file_breaks_bc012(tmp_path: Path) -> None:
    real = write(tmp_path / "elsewhere", "faq.toml", "")
    (tmp_path / "overlay").mkdir()
    (tmp_path / "overlay" / "faq.toml").symlink_to(real)
    (problem,) = overlay_problems(tmp_path / "overlay")
    assert problem.rule == "BC012"
    assert "symbolic link" in problem.message
    assert problem.file.endswith("faq.toml")


def test_huge_content_file_breaks_bc012_without_being_read(tmp_path: Path) -> None:
    huge = tmp_path / "faq.toml"
    with huge.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: instant to make, never actually read
    (problem,) = overlay_problems(tmp_path)
    assert problem.rule == "BC012"
    assert "16 MB" in problem.message


def test_overlay_that_is_a_file_breaks_bc012(tmp_path: Path) -> None:
    path = write(tmp_path, "faq.toml", "")
    (problem,) = overlay_problems(path)
    assert (problem.rule, problem.file) == ("BC012", str(path))
    assert "not a folder" in problem.message


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True,
                    reason="root reads files whatever their mode")
def test_unreadable_content_file_breaks_bc012(tmp_path: Path) -> None:
    path = write(tmp_path, "faq.toml", "")
    path.chmod(0)
    try:
        (problem,) = overlay_problems(tmp_path)
    finally:
        path.chmod(0o600)
    assert problem.rule == "BC012"
    assert "cannot be read" in problem.message


def test_standalone_folder_missing_files_breaks_bc012(tmp_path: Path) -> None:
    write(tmp_path, "faq.toml", "")
    problems, _ = lint(ContentSource(tmp_path))
    assert {p.rule for p in problems} == {"BC012"}
    assert sorted(p.file for p in problems) == sorted(set(CONTENT_FILES) - {"faq.toml"})
    assert all(p.message == "is missing" for p in problems)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_file_swapped_after_its_checks_is_still_read_within_bounds(tmp_path: Path) -> None:
    """Checks and read must look at the same file: here the checks see a small regular file
    (as they would just before a swap) and the name is a link to /dev/zero. Run with a
    memory ceiling, since an unbounded read would take all the memory."""
    import subprocess
    import sys

    (tmp_path / "faq.toml").symlink_to("/dev/zero")
    code = ("import pathlib, resource, sys\n"
            "resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))\n"
            "pathlib.Path.is_symlink = lambda self: False\n"
            "pathlib.Path.is_file = lambda self: True\n"
            "from binatsec.corpus.loader import ContentSource, lint\n"
            "from binatsec.corpus.resources import bundled_content\n"
            "problems, _ = lint(ContentSource(bundled_content(), pathlib.Path(sys.argv[1])))\n"
            "print(sorted({(p.rule, pathlib.Path(p.file).name) for p in problems}))\n")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True,
                          text=True, timeout=60, check=False)
    assert (done.returncode, done.stdout.strip()) == (0, "[('BC012', 'faq.toml')]"), \
        done.stderr[-2000:]


class _EndlessEntry:
    """A content file inside an archive (a Traversable, not a Path) that never ends."""

    name = "faq.toml"

    def open(self, mode: str = "r") -> Any:
        import io

        class Zeros(io.RawIOBase):
            def readable(self) -> bool:
                return True

            def readinto(self, buffer: Any) -> int:
                buffer[:] = bytes(len(buffer))
                return len(buffer)

        return io.BufferedReader(Zeros())

    def read_bytes(self) -> bytes:
        raise AssertionError("read whole, without a bound")


def test_an_archived_content_file_is_read_within_bounds() -> None:
    from binatsec.corpus import reading

    problems: list[Problem] = []
    assert reading.read_bytes(_EndlessEntry(), "faq.toml", problems) is None  # type: ignore[arg-type]
    assert [(p.rule, p.message) for p in problems] == [
        ("BC012", "is larger than 16 MB; refusing to read")]


# --- many problems, one run -----------------------------------------------------------------


def test_several_problems_are_all_reported_in_one_run(tmp_path: Path) -> None:
    write(tmp_path, "faq.toml", '[[faq]]\nid = "faq.one"\nquestion.en = "Q?"\n'
          '\n[[faq]]\nid = "faq.two"\nquestion.en = "Q?"\nanswer.en = "A."\ncolour = "red"\n')
    write(tmp_path, "stats.toml", '[[stat]]\nid = "stat.words"\ncategory = "seizures"\n'
          'label.en = "L"\nwhat.en = "w"\nvalue = "many"\nunit = "count"\n'
          'qualifier = "roughly"\n')
    write(tmp_path, "faqs.toml", "")
    problems = overlay_problems(tmp_path)
    found = {(p.rule, Path(p.file).name, p.record_id, p.key, p.line) for p in problems}
    assert found == {
        ("BC002", "faqs.toml", None, None, None),
        ("BC004", "faq.toml", "faq.one", "answer", 1),
        ("BC003", "faq.toml", "faq.two", "colour", 9),
        ("BC005", "stats.toml", "stat.words", "value", 6),
        ("BC010", "stats.toml", "stat.words", "qualifier", 8),
    }


def test_file_and_cross_file_problems_come_in_the_same_run(tmp_path: Path) -> None:
    """A broken record and a bad link elsewhere: one lint run lists both, and a link to the
    broken record (which exists, only broken) is not called dangling."""
    write(tmp_path, "stats.toml", '[[stat]]\nid = "stat.broken"\ncategory = "seizures"\n'
          'label.en = "L"\nwhat.en = "w"\nvalue = "many"\nunit = "count"\n'
          'qualifier = "over"\nyear = 2020\n\n[[stat]]\nid = "stat.fine"\n'
          'category = "nosuch"\nlabel.en = "L"\nwhat.en = "w"\nvalue = 1\nunit = "count"\n'
          'qualifier = "over"\nyear = 2020\nsupports = ["stat.broken", "faq.nowhere"]\n')
    found = {(p.rule, p.record_id, p.key) for p in overlay_problems(tmp_path)}
    assert found == {
        ("BC005", "stat.broken", "value"),
        ("BC008", "stat.fine", "category"),
        ("BC009", "stat.fine", "supports"),
    }


def _found(folder: Path) -> set[tuple[str, str | None, str | None]]:
    return {(p.rule, p.record_id, p.key) for p in overlay_problems(folder)}


LINKING_FAQ = ('[[faq]]\nid = "faq.a"\nquestion.en = "Q?"\nanswer.en = "A."\n'
               'related = ["stat.nowhere", "stat.mine", "faq.nowhere"]\n')


def test_a_file_that_cannot_be_parsed_hides_no_problem_of_another(tmp_path: Path) -> None:
    """A syntax error in stats.toml and dangling links in faq.toml: one run lists them all.
    A link to an id the broken file's text holds is left until it parses (it may declare
    it); one it cannot hold is dangling whatever the fix."""
    write(tmp_path, "stats.toml", '[[stat]\nid = "stat.mine"\n')
    write(tmp_path, "faq.toml", LINKING_FAQ)
    problems = overlay_problems(tmp_path)
    assert [(p.rule, p.record_id, p.key) for p in problems] == [
        ("BC001", None, None),
        ("BC009", "faq.a", "related"), ("BC009", "faq.a", "related")]
    messages = " ".join(p.message for p in problems)
    assert "'stat.nowhere'" in messages and "'faq.nowhere'" in messages
    assert "stat.mine" not in messages


def test_a_broken_records_own_links_are_checked_in_the_same_run(tmp_path: Path) -> None:
    write(tmp_path, "faq.toml", '[[faq]]\nid = "faq.a"\nquestion.en = "Q?"\nanswer.en = 5\n'
          'related = ["faq.nowhere", "faq.merida-initiative"]\n')
    problems = overlay_problems(tmp_path)
    assert [(p.rule, p.record_id, p.key, p.line) for p in problems] == [
        ("BC005", "faq.a", "answer.en", 4), ("BC009", "faq.a", "related", 5)]
    assert "'faq.nowhere'" in problems[1].message


PILLAR = ('[[pillar]]\nid = "pillar.{name}"\nnumber = {number}\nname.en = "N"\n'
          'summary.en = "S."\n{example}\n')


def test_rules_over_a_kind_run_beside_a_broken_record(tmp_path: Path) -> None:
    """Pillars numbered with a gap, one of them missing its example: both said at once."""
    write(tmp_path, "pillars.toml",
          PILLAR.format(name="x", number=7, example='example.en = "E."')
          + PILLAR.format(name="y", number=5, example=""))
    problems = overlay_problems(tmp_path)
    assert [(p.rule, p.record_id, p.key) for p in problems] == [
        ("BC004", "pillar.y", "example"), ("BC010", None, "number")]
    assert "got [1, 2, 3, 4, 5, 7]" in problems[1].message


def test_a_rule_that_needs_a_broken_field_waits_for_it(tmp_path: Path) -> None:
    """A pillar whose number is wrong: the numbering cannot be judged without it, so only
    the number's own problem is said (not a gap that the fix may close)."""
    write(tmp_path, "pillars.toml", PILLAR.format(name="x", number='"five"',
                                                  example='example.en = "E."'))
    assert _found(tmp_path) == {("BC005", "pillar.x", "number")}


def test_an_id_taken_by_a_broken_record_is_a_duplicate_at_once(tmp_path: Path) -> None:
    write(tmp_path, "faq.toml", '[[faq]]\nid = "faq.a"\nquestion.en = "Q?"\n\n'
          '[[faq]]\nid = "faq.a"\nquestion.en = "Q?"\nanswer.en = "A."\n')
    assert _found(tmp_path) == {("BC004", "faq.a", "answer"), ("BC007", "faq.a", "id")}


def test_lint_says_every_problem_in_one_pass(cli: Callable[..., Run], tmp_path: Path) -> None:
    write(tmp_path, "stats.toml", "[[stat]\n")
    write(tmp_path, "faq.toml", LINKING_FAQ)
    write(tmp_path, "pillars.toml",
          PILLAR.format(name="x", number=7, example='example.en = "E."')
          + PILLAR.format(name="y", number=5, example=""))
    report = cli("lint", str(tmp_path), "--json")
    assert report.exit_code == 1
    assert sorted(p["rule"] for p in report.json()["problems"]) == [
        "BC001", "BC004", "BC009", "BC009", "BC009", "BC010"]


def test_every_dangling_link_is_reported_with_its_line(tmp_path: Path) -> None:
    write(tmp_path, "faq.toml", '[[faq]]\nid = "faq.a"\nquestion.en = "Q?"\nanswer.en = "A."\n'
          'related = ["faq.nowhere"]\n\n[[faq]]\nid = "faq.b"\nquestion.en = "Q?"\n'
          'answer.en = "A."\nrelated = ["faq.b", "stat.merida-funding"]\n')
    problems = overlay_problems(tmp_path)
    assert [(p.rule, p.record_id, p.line, p.message) for p in problems] == [
        ("BC009", "faq.a", 5, "links to unknown id 'faq.nowhere'"),
        ("BC009", "faq.b", 11, "links to itself"),
    ]


# --- a user's folder layered over the bundled corpus ----------------------------------------

NEW_FAQ = ('[[faq]]\nid = "faq.classroom"\nquestion.en = "Where does this question come from?"\n'
           'answer.en = "From a teacher\'s own content folder."\n'
           'related = ["faq.merida-initiative"]\n')


def test_user_folder_adds_a_record_after_the_bundled_ones(tmp_path: Path) -> None:
    write(tmp_path, "faq.toml", NEW_FAQ)
    bundled = ContentSource(bundled_content()).load()
    layered = ContentSource(bundled_content(), tmp_path).load()
    assert layered.faq[:-1] == bundled.faq
    assert layered.faq[-1].id == "faq.classroom"
    assert layered.get("faq.classroom") == layered.faq[-1]
    assert layered.myths == bundled.myths


def test_user_folder_replaces_a_record_by_id_in_place(tmp_path: Path) -> None:
    bundled = ContentSource(bundled_content()).load()
    original = bundled.get("stat.merida-funding")
    write(tmp_path, "stats.toml", '[[stat]]\nid = "stat.merida-funding"\ncategory = "funding"\n'
          'label.en = "Merida Initiative funding"\nwhat.en = "put into the Merida Initiative"\n'
          'value = 3500000000\nunit = "usd"\nqualifier = "about"\nyear = 2024\n')
    layered = ContentSource(bundled_content(), tmp_path).load()
    ids = [s.id for s in layered.stats]
    assert ids == [s.id for s in bundled.stats]
    replaced = layered.stats[ids.index("stat.merida-funding")]
    assert original is not None and replaced != original
    assert (replaced.value, replaced.qualifier, replaced.year) == (3_500_000_000, "about", 2024)
    assert layered.get("stat.merida-funding") == replaced
    assert layered.categories == bundled.categories


def test_bundled_links_to_a_replaced_record_still_resolve(tmp_path: Path) -> None:
    write(tmp_path, "faq.toml", '[[faq]]\nid = "faq.merida-funding"\n'
          'question.en = "How much went into Merida?"\nanswer.en = "See the figure."\n')
    corpus = ContentSource(bundled_content(), tmp_path).load()
    assert [e.id for e in corpus.faq] == [e.id for e in ContentSource(bundled_content()).load().faq]


def test_hidden_files_and_folders_in_user_folder_are_ignored(tmp_path: Path) -> None:
    write(tmp_path, ".notes.txt", "scratch")
    (tmp_path / "drafts").mkdir()
    assert overlay_problems(tmp_path) == []


# --- the command line ------------------------------------------------------------------------


def test_lint_bundled_content_exits_0(cli: Callable[..., Run]) -> None:
    result = cli("lint")
    assert (result.exit_code, result.stderr) == (0, "")
    assert "no problems" in result.stdout
    doc = cli("lint", "--json").json()
    assert (doc["ok"], doc["count"], doc["problems"]) == (True, 0, [])


def test_lint_standalone_bundled_folder_exits_0(cli: Callable[..., Run]) -> None:
    assert cli("lint", "--standalone", str(ROOT / "content")).exit_code == 0


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if n[:5] not in WARNINGS))
def test_lint_path_exits_1_naming_the_rule(cli: Callable[..., Run], name: str) -> None:
    result = cli("lint", str(FIXTURES / name))
    assert result.exit_code == 1
    assert f"[{name[:5]}]" in result.stdout
    assert "1 problem in" in result.stdout
    doc = cli("lint", "--json", str(FIXTURES / name)).json()
    assert doc["ok"] is False
    (problem,) = doc["problems"]
    expected = EXPECTED[name]
    assert problem["rule"] == name[:5]
    assert Path(problem["file"]).name == expected.file
    assert (problem["line"], problem["record_id"], problem["key"]) == (
        expected.line, expected.record_id, expected.key)


def test_a_warning_is_listed_but_lint_passes_and_the_content_loads(
        cli: Callable[..., Run]) -> None:
    folder = FIXTURES / "BC015-control-characters"
    result = cli("lint", str(folder))
    assert result.exit_code == 0
    assert "faq.toml:5: faq.title-setter: answer.en: warning: holds characters" in result.stdout
    assert "(U+001B, U+0007)" in result.stdout and "1 warning in" in result.stdout
    assert "\x1b" not in result.stdout
    doc = cli("lint", "--json", str(folder)).json()
    assert (doc["ok"], doc["errors"], doc["warnings"]) == (True, 0, 1)
    assert doc["problems"][0]["severity"] == "warning"
    answer = cli("--content-dir", str(folder), "faq", "faq.title-setter")
    assert answer.exit_code == 0
    assert "It cannot: ]0;owned[2J binatsec drops these characters." in answer.stdout


def test_lint_escapes_newlines_in_what_it_quotes(cli: Callable[..., Run],
                                                 tmp_path: Path) -> None:
    """An id with a newline cannot forge a second problem line."""
    write(tmp_path, "faq.toml", '[[faq]]\nid = "faq.x\\nfaq.toml:1: forged [BC001]"\n'
          'question.en = "Q?"\nanswer.en = "A."\n')
    result = cli("lint", str(tmp_path))
    assert result.exit_code == 1
    assert not any(line.startswith("faq.toml:1: forged") for line in result.stdout.splitlines())
    assert "faq.x\\nfaq.toml:1: forged [BC001]" in result.stdout


def complete_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content", folder)
    return folder


def test_lint_standalone_path_exits_1_with_the_problems(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    folder = complete_copy(tmp_path)
    stats = folder / "stats.toml"
    stats.write_text(stats.read_text(encoding="utf-8").replace(
        'qualifier = "nearly"', 'qualifier = "almost"'), encoding="utf-8")
    (folder / "myths.toml").write_text("[[myth]\n", encoding="utf-8")
    doc = cli("lint", "--standalone", "--json", str(folder)).json()
    assert doc["ok"] is False
    # The broken myths.toml declares no myth, so the links to myths are dangling too, and
    # said in the same run.
    assert sorted((p["rule"], Path(p["file"]).name) for p in doc["problems"]) == [
        ("BC001", "myths.toml"), ("BC009", "criticisms.toml"), ("BC009", "pillars.toml"),
        ("BC010", "stats.toml")]
    result = cli("lint", "--standalone", str(folder))
    assert result.exit_code == 1
    assert "[BC001]" in result.stdout and "[BC010]" in result.stdout


def test_lint_standalone_without_path_is_a_usage_error(cli: Callable[..., Run]) -> None:
    result = cli("lint", "--standalone")
    assert result.exit_code == 2
    assert "--standalone" in result.stderr


def test_broken_user_file_is_one_clear_error_not_a_traceback(cli: Callable[..., Run]) -> None:
    result = cli("--content-dir", str(FIXTURES / "BC001-invalid-toml"), "faq")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "faq.toml:3:43: TOML syntax error" in result.stderr
    assert "binatsec lint" in result.stderr


def test_content_dir_option_adds_a_question(cli: Callable[..., Run], tmp_path: Path) -> None:
    write(tmp_path, "faq.toml", NEW_FAQ)
    doc = cli("--content-dir", str(tmp_path), "faq", "classroom", "--json").json()
    assert [item["id"] for item in doc["items"]] == ["faq.classroom"]


def test_environment_variable_works_like_content_dir(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    write(tmp_path, "faq.toml", NEW_FAQ)
    env = {"BINATSEC_CONTENT_DIR": str(tmp_path)}
    doc = cli("faq", "classroom", "--json", env=env).json()
    assert [item["id"] for item in doc["items"]] == ["faq.classroom"]
    broken = {"BINATSEC_CONTENT_DIR": str(FIXTURES / "BC009-dangling-link")}
    assert cli("lint", env=broken).exit_code == 1
    result = cli("faq", env=broken)
    assert result.exit_code == 2
    assert "faq.dangling" in result.stderr and "[BC009]" in result.stderr


# --- the written spec matches the rules ------------------------------------------------------


def test_content_spec_lists_exactly_the_loader_rules() -> None:
    spec = SPEC.read_text(encoding="utf-8")
    listed = re.findall(r"^\d+\. \*\*(BC\d{3})\*\*", spec, flags=re.MULTILINE)
    assert listed == list(RULES)
    for code, text in RULES.items():
        assert f"**{code}** — {text}" in spec
    for name in CONTENT_FILES:
        assert f"`{name}`" in spec


# --- nothing but ContentError escapes the loader ---------------------------------------------

KEYS = ["id", "question", "answer", "related", "myth", "fact", "reality", "year", "end_year",
        "when", "ongoing", "title", "summary", "number", "name", "example", "attribution",
        "category", "label", "what", "value", "unit", "qualifier", "period", "note", "supports",
        "role", "short_name", "claim", "response", "en", "es", "fr"]
TABLES = ["faq", "myth", "event", "pillar", "category", "stat", "area", "criticism", "trend",
          "action", "source", "other"]
SCALARS = st.one_of(
    st.text(max_size=12), st.integers(-10, 3000), st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["faq.x", "stat.merida-funding", "seizures", "over", "kg", "faq.x"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from(KEYS), inner, max_size=3)),
    max_leaves=8,
)


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return "nan"
        if value in (float("inf"), float("-inf")):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + "}"


@st.composite
def generated_documents(draw: st.DrawFn) -> tuple[str, str]:
    """A content file built from plausible tables and keys with arbitrary values."""
    name = draw(st.sampled_from(CONTENT_FILES))
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 3))):
        lines.append(f"[[{draw(st.sampled_from(TABLES))}]]")
        rows = draw(st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=6))
        lines.extend(f"{key} = {toml_value(value)}" for key, value in rows.items())
    return name, "\n".join(lines) + "\n"


@st.composite
def mutated_documents(draw: st.DrawFn) -> tuple[str, str]:
    """A bundled content file with a few random cuts, insertions and repeated lines."""
    name = draw(st.sampled_from(CONTENT_FILES))
    text = (ROOT / "content" / name).read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 40)))
        action = draw(st.sampled_from(["cut", "insert", "repeat"]))
        if action == "cut":
            text = text[:start] + text[end:]
        elif action == "insert":
            text = text[:start] + draw(st.text("[]=\".\n#0a-é \\{},", max_size=8)) + text[start:]
        else:
            text = text[:start] + text[start:end] + text[start:]
    return name, text


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=st.one_of(generated_documents(), mutated_documents()))
def test_loader_raises_only_content_error(scratch: Path, document: tuple[str, str]) -> None:
    name, text = document
    for old in scratch.iterdir():
        old.unlink()
    (scratch / name).write_text(text, encoding="utf-8")
    try:
        corpus = ContentSource(bundled_content(), scratch).load()
    except ContentError as error:
        assert error.problems
        assert all(p.rule in RULES and p.file for p in error.problems)
    else:
        assert len(corpus.faq) >= 12


# --- the TOML parser: tomllib, or the `fast` extra's compiled tomli (TOML 1.0 both) ----------


def _with_tomli(monkeypatch: pytest.MonkeyPatch, version: str | None) -> Any:
    """toml_parser() as it chooses with a tomli of `version` installed (None: none)."""
    import types

    from binatsec.corpus import reading

    fake = None
    if version is not None:
        fake = types.ModuleType("tomli")
        fake.__version__ = version  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tomli", fake)  # None: import fails, as if missing
    reading.toml_parser.cache_clear()
    try:
        return reading.toml_parser()
    finally:
        reading.toml_parser.cache_clear()


@pytest.mark.skipif(sys.version_info < (3, 11), reason="tomli is the only parser before 3.11")
def test_tomli_is_used_only_while_it_reads_toml_1_0(monkeypatch: pytest.MonkeyPatch) -> None:
    """tomli 2.4 reads TOML 1.1 (inline tables over lines, \\e, ...), which tomllib refuses:
    content passing lint with it would fail on the next install. Then tomllib it is; and
    for a tomli older than the `fast` extra's, no faster than tomllib."""
    import tomllib

    assert _with_tomli(monkeypatch, None) is tomllib
    assert _with_tomli(monkeypatch, "2.5.0") is tomllib
    assert _with_tomli(monkeypatch, "2.4.0") is tomllib
    assert _with_tomli(monkeypatch, "2.3.0").__name__ == "tomli"
    assert _with_tomli(monkeypatch, "2.2.1").__name__ == "tomli"
    # Another package's older tomli (pure Python, no faster than tomllib): tomllib.
    assert _with_tomli(monkeypatch, "1.2.3") is tomllib
    assert _with_tomli(monkeypatch, "2.0.1") is tomllib


def _both_parsers() -> tuple[Any, Any]:
    if sys.version_info < (3, 11):
        pytest.skip("before Python 3.11 tomli is the only parser")
    import tomllib

    tomli = pytest.importorskip("tomli", reason="the `fast` extra (tomli) is not installed")
    if tuple(map(int, tomli.__version__.split(".")[:2])) >= (2, 4):
        pytest.skip(f"tomli {tomli.__version__} reads TOML 1.1: binatsec does not use it")
    return tomllib, tomli


@pytest.mark.parametrize("bad", [
    'x = "never closed\n', 'x = 1\nx = 2\n', "[[faq]\n", 'x = """\nopen\n', "x = 1979-13-01\n",
    "x = {a = 1, a = 2}\n", "x = [1, 2\n", "x = 0x\n", "x = 'a' 'b'\n", "\ufeffx = 1\n"])
def test_the_fast_parser_reads_and_refuses_as_tomllib(bad: str) -> None:
    """The same content, the same records, and the same problem on the same line, which
    ever of the two parses it (at the end of a file Python 3.11's tomllib names no column,
    tomli does)."""
    from binatsec.corpus import reading

    tomllib, tomli = _both_parsers()
    for name in files():
        text = (bundled_content() / name).read_text(encoding="utf-8")
        assert tomli.loads(text) == tomllib.loads(text), name
    found = []
    for parser in (tomllib, tomli):
        problems: list[Problem] = []
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(reading, "toml_parser", lambda parser=parser: parser)
            parsed = reading.parse(bad.encode(), "faq.toml", problems)
        found.append((parsed.data if parsed else None, [(p.rule, p.line) for p in problems],
                      [p.column for p in problems]))
    assert found[0][:2] == found[1][:2]
    assert found[0][2] == [None] or found[0][2] == found[1][2]


def test_a_large_folder_parsed_in_two_processes_gives_the_same_corpus_and_problems(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Over PARALLEL_BYTES a forked child parses half the files: the same records, and the
    same problems in the same order, as one process; and if the child fails, this one
    parses its half too."""
    from binatsec import forked
    from binatsec.corpus import reading

    if not forked.available():
        pytest.skip("parsing is split only on Linux with two cores or more")
    folders = [None, *sorted(p for p in FIXTURES.iterdir() if p.is_dir())]

    def outcome(folder: Path | None) -> object:
        try:
            corpus = ContentSource(bundled_content(), folder).load()
        except ContentError as error:
            return [tuple(p) for p in error.problems]
        return [(r.id, r) for r in corpus.records()]

    alone = [outcome(folder) for folder in folders]
    monkeypatch.setattr(reading, "PARALLEL_BYTES", 0)
    assert [outcome(folder) for folder in folders] == alone
    monkeypatch.setattr(forked.Child, "_run", staticmethod(lambda *args: os._exit(3)))
    assert [outcome(folder) for folder in folders] == alone
