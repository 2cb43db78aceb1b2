"""Issue 9: the inputs that still broke binatsec, as classes. Content files that nest,
overflow or cannot be shown; numbers typed by people; closed or endless input; paths the OS
refuses; bytes that are not UTF-8; exports that a spreadsheet or a Markdown renderer would
obey. Each gets one clear line (or a located content problem), never a traceback.
docs/reliability.md lists them with what the user gets.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from binatsec import errors
from binatsec.views.json import dumps
from conftest import ROOT, Run
from test_reliability import SCRIPT, _env, assert_clean_failure, run

STAT = ('[[stat]]\nid = "stat.{name}"\ncategory = "seizures"\nlabel.en = "L {name}"\n'
        'what.en = "of something"\nunit = "kg"\nqualifier = "over"\nvalue = {value}\n\n')


def _folder(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "mine"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def _one_problem(cli: Callable[..., Run], folder: Path, rule: str, words: str) -> None:
    """The content is refused with one located problem, by lint and by every command."""
    report = cli("lint", str(folder), "--json").json()
    assert [p["rule"] for p in report["problems"]] == [rule], report["problems"]
    assert words in report["problems"][0]["message"]
    for args in (("stats", "--chart"), ("stats", "--json"), ("faq",)):
        result = cli("--content-dir", str(folder), *args)
        assert result.exit_code == 2
        assert "Traceback" not in result.stderr and f"[{rule}]" in result.stderr


# --- content files ---------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "rule", "words"), [
    ("1" + "0" * 400, "BC010", "from 0 to 1,000,000,000,000,000"),  # OverflowError before
    ("1" + "0" * 5000, "BC001", "cannot be read"),  # past Python's 4,300-digit limit
    ("1.7e308", "BC010", "from 0 to"),  # --chart crashed, --json printed Infinity
    ("inf", "BC010", "from 0 to"),
    ("nan", "BC010", "from 0 to"),
    ("-0.5", "BC010", "from 0 to"),
])
def test_figures_that_cannot_be_shown_converted_or_charted_are_refused(
        cli: Callable[..., Run], tmp_path: Path, value: str, rule: str, words: str) -> None:
    _one_problem(cli, _folder(tmp_path, "stats.toml", STAT.format(name="odd", value=value)),
                 rule, words)


def test_the_largest_allowed_figure_converts_and_charts(cli: Callable[..., Run],
                                                        tmp_path: Path) -> None:
    folder = _folder(tmp_path, "stats.toml", STAT.format(name="big", value=10**15))
    for args in (("stats", "seizures", "--chart"), ("stats", "seizures", "--unit", "lb",
                                                     "--json")):
        result = cli("--content-dir", str(folder), *args)
        assert result.exit_code == 0, result.stderr
    document = cli("--content-dir", str(folder), "stats", "--unit", "lb", "--json").json()
    assert all(isinstance(item["value"], (int, float)) for item in document["items"])


def test_arrays_nested_hundreds_deep_are_one_problem(cli: Callable[..., Run],
                                                     tmp_path: Path) -> None:
    deep = "[" * 3000 + "]" * 3000
    folder = _folder(tmp_path, "faq.toml", '[[faq]]\nid = "faq.deep"\nquestion.en = "Q?"\n'
                     f'answer.en = "A."\nrelated = {deep}\n')
    _one_problem(cli, folder, "BC001", "nested too deeply")
    shallow = "[" * 300 + "]" * 300  # tomllib reads it; the problem quotes it shortened
    (folder / "faq.toml").write_text('[[faq]]\nid = "faq.deep"\nquestion.en = "Q?"\n'
                                     f'answer.en = "A."\nrelated = {shallow}\n',
                                     encoding="utf-8")
    report = cli("lint", str(folder), "--json").json()
    assert [p["rule"] for p in report["problems"]] == ["BC005"]
    assert len(report["problems"][0]["message"]) < 200


def test_an_id_with_a_trailing_newline_is_not_an_id(cli: Callable[..., Run],
                                                    tmp_path: Path) -> None:
    folder = _folder(tmp_path, "faq.toml", '[[faq]]\nid = "faq.merida-initiative\\n"\n'
                     'question.en = "Q?"\nanswer.en = "A."\n')
    report = cli("lint", str(folder), "--json").json()
    assert [(p["rule"], p["key"]) for p in report["problems"]] == [("BC006", "id")]


def test_more_pillars_than_answer_letters_still_make_pillar_quizzes(
        cli: Callable[..., Run], tmp_path: Path) -> None:
    pillars = (ROOT / "content" / "pillars.toml").read_text(encoding="utf-8")
    extra = "".join(f'\n[[pillar]]\nid = "pillar.extra-{n}"\nnumber = {n}\n'
                    f'name.en = "Extra pillar {n}"\nsummary.en = "Summary {n}."\n'
                    f'example.en = "Example {n}."\n' for n in range(5, 13))
    folder = _folder(tmp_path, "pillars.toml", pillars + extra)
    assert cli("lint", str(folder)).exit_code == 0
    document = cli("--content-dir", str(folder), "quiz", "--topic", "pillars", "--count", "12",
                   "--seed", "3", "--answers", ",".join(["a"] * 12), "--no-save",
                   "--json").json()
    assert document["total"] == 12
    assert all(len(q["options"]) == 4 for q in document["questions"])


def test_a_pillar_number_too_large_to_be_one_is_refused(cli: Callable[..., Run],
                                                        tmp_path: Path) -> None:
    text = (ROOT / "content" / "pillars.toml").read_text(encoding="utf-8").replace(
        "number = 4", "number = " + "9" * 400)
    report = cli("lint", str(_folder(tmp_path, "pillars.toml", text)), "--json").json()
    assert [(p["rule"], p["key"]) for p in report["problems"]] == [("BC010", "number")]
    assert len(report["problems"][0]["message"]) < 200


# --- numbers and answers typed by people --------------------------------------------------


@pytest.mark.parametrize("typed", ["²", "٣", "9" * 5000, "0", "-1", "1.5"])
def test_a_pillar_number_is_ascii_digits_of_sane_length(cli: Callable[..., Run],
                                                        typed: str) -> None:
    result = cli("pillars", typed)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and len(result.stderr) < 300


def test_a_quiz_answer_of_other_digits_is_asked_again(cli: Callable[..., Run],
                                                      tmp_path: Path) -> None:
    result = cli("quiz", "--topic", "stats", "--count", "1", "--seed", "3", "--no-save",
                 input="²\n" + "9" * 5000 + "\n2\n", env={"NO_COLOR": "1"})
    assert result.exit_code in (0, 1)
    assert result.stdout.count("is not one of the answers") == 2
    assert "Score: " in result.stdout


def test_a_closed_stdin_is_one_clear_line(tmp_path: Path) -> None:
    done = subprocess.run(f'"{SCRIPT}" quiz --no-save <&-', shell=True, capture_output=True,
                          text=True, env=_env(tmp_path), timeout=60, check=False)
    assert done.returncode == 2
    assert_clean_failure(done.stderr)
    assert "standard input is closed" in done.stderr


def test_endless_answers_are_read_in_bounded_time_and_memory(tmp_path: Path) -> None:
    start = time.monotonic()
    with Path("/dev/zero").open("rb") as zero:
        done = run("quiz", "--no-save", "--count", "2", "--seed", "1", stdin=zero)
    assert time.monotonic() - start < 30
    assert done.returncode in (0, 1)
    assert_clean_failure(done.stderr)
    assert "stopped reading answers" in done.stderr
    if shutil.which("yes") is None:
        pytest.skip("needs yes(1)")
    with subprocess.Popen(["yes", "x"], stdout=subprocess.PIPE) as wrong:
        done = run("quiz", "--no-save", "--count", "2", "--seed", "1", "--json",
                   stdin=wrong.stdout)
        wrong.kill()
    assert json.loads(done.stdout)["total"] == 0
    assert "stopped reading answers" in done.stderr.splitlines()[-1]


# --- paths, folders and environment ------------------------------------------------------


def test_a_content_folder_path_too_long_for_the_os(tmp_path: Path) -> None:
    done = run("--content-dir", "/" + "a" * 300 + "/x", "faq")
    assert done.returncode == 2
    assert_clean_failure(done.stderr)
    assert "File name too long" in done.stderr


def test_a_data_folder_naming_an_unknown_user(tmp_path: Path) -> None:
    done = run("quiz", "--topic", "myths", "--count", "1", "--seed", "1", "--answers", "m",
               BINATSEC_DATA_DIR="~nosuchuser-binatsec/x")
    assert done.returncode == 2
    assert_clean_failure(done.stderr)
    assert "BINATSEC_DATA_DIR" in done.stderr


# --- bounded output, shortened and escaped messages ----------------------------------------


@pytest.mark.parametrize("columns", ["0", "1", "100000", "99999999999999999999", "-5", "x"])
def test_any_columns_value_draws_quickly(columns: str) -> None:
    start = time.monotonic()
    done = run("stats", "seizures", "--chart", COLUMNS=columns)
    assert time.monotonic() - start < 20
    assert done.returncode == 0 and "Fentanyl powder seized" in " ".join(done.stdout.split())
    assert_clean_failure(done.stderr)


def test_a_quiz_at_zero_columns_still_shows_its_questions(cli: Callable[..., Run]) -> None:
    result = cli("quiz", "--topic", "myths", "--count", "1", "--seed", "1", "--no-save",
                 input="m\n", env={"COLUMNS": "0", "NO_COLOR": "1"})
    assert "Myth or fact?" in result.stdout


def test_messages_quote_long_input_shortened_and_escaped(cli: Callable[..., Run]) -> None:
    for args in (("faq", "x" * 10_000), ("stats", "y" * 10_000), ("quiz", "--topic", "z" * 10_000),
                 ("search", "w" * 10_000), ("nosuchcommand" + "v" * 10_000,),
                 ("quiz", "--count", "9" * 10_000)):
        result = cli(*args)
        assert result.exit_code in (1, 2)
        assert result.stderr.count("\n") == 1, args
        assert len(result.stderr) < 400, (args[0], len(result.stderr))
    result = cli("faq", "a\u202eb\x1b[31mc")
    assert "\\u202e" in result.stderr and "\\x1b" in result.stderr
    assert "\u202e" not in result.stderr and "\x1b" not in result.stderr


# --- bytes that are not UTF-8 ----------------------------------------------------------------


def test_arguments_that_are_not_utf8_give_valid_utf8_json(tmp_path: Path) -> None:
    env = _env(tmp_path, PYTHONIOENCODING="utf-8")
    done = subprocess.run([os.fsencode(SCRIPT), b"faq", b"--json", b"\xff"],
                          capture_output=True, env=env, timeout=60, check=False)
    assert done.returncode == 1
    document = json.loads(done.stdout.decode("utf-8"))
    assert document["query"] == "\ufffd"
    assert done.stderr.decode("utf-8").startswith("binatsec: no question matches")
    assert b"Traceback" not in done.stderr


def test_a_file_name_that_is_not_utf8_is_reported_in_valid_json(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (Path(os.fsdecode(os.fsencode(folder) + b"/\xff.toml"))).write_text("", encoding="utf-8")
    env = _env(tmp_path, PYTHONIOENCODING="utf-8")
    done = subprocess.run([os.fsencode(SCRIPT), b"lint", b"--json", os.fsencode(folder)],
                          capture_output=True, env=env, timeout=60, check=False)
    assert done.returncode == 1
    document = json.loads(done.stdout.decode("utf-8"))
    assert [p["rule"] for p in document["problems"]] == ["BC002"]
    assert "\ufffd.toml" in document["problems"][0]["file"]
    human = subprocess.run([os.fsencode(SCRIPT), b"lint", os.fsencode(folder)],
                           capture_output=True, env=env, timeout=60, check=False)
    assert b"Traceback" not in human.stderr and human.returncode == 1
    human.stdout.decode("utf-8")  # valid UTF-8


# --- exports that are safe to open -------------------------------------------------------


HOSTILE_FAQ = ('[[faq]]\nid = "faq.hostile"\nquestion.en = "=HYPERLINK(\\"http://evil\\")"\n'
               'answer.en = "- item\\n# heading\\n---\\n<img src=x onerror=alert(1)> '
               '[link](http://evil) **bold** &amp; 1. one"\n')
HOSTILE_EVENT = ('[[event]]\nid = "event.hostile"\nwhen.en = "<img src=x '
                 'onerror=alert(1)>"\ntitle.en = "@SUM(A1)"\nsummary.en = "+cmd|calc"\n')


def test_csv_cells_cannot_become_formulas(cli: Callable[..., Run], tmp_path: Path) -> None:
    folder = _folder(tmp_path, "faq.toml", HOSTILE_FAQ)
    (folder / "timeline.toml").write_text(HOSTILE_EVENT, encoding="utf-8")
    for section in ("faq", "timeline", "stats"):
        text = cli("--content-dir", str(folder), "export", "-f", "csv", "--section",
                   section).stdout
        for row in csv.reader(io.StringIO(text)):
            for cell in row:
                assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
                assert not cell.startswith("-") or cell.lstrip("-").replace(".", "").isdigit()
    stats = list(csv.DictReader(io.StringIO(cli("export", "-f", "csv").stdout)))
    assert stats[0]["value"] == "3000000000"  # plain numbers stay numbers


def test_markdown_cannot_carry_html_links_or_structure(cli: Callable[..., Run],
                                                       tmp_path: Path) -> None:
    folder = _folder(tmp_path, "faq.toml", HOSTILE_FAQ)
    (folder / "timeline.toml").write_text(HOSTILE_EVENT, encoding="utf-8")
    result = cli("--content-dir", str(folder), "export", "-f", "markdown")
    assert result.exit_code == 0, result.stderr
    markdown = result.stdout
    unescaped = re.compile(r"(?<!\\)(<img|\]\(http|\*\*bold|&amp;)|http://evil")
    assert unescaped.findall(markdown) == []
    lines = markdown.splitlines()
    answer = next(line for line in lines if "item" in line and "heading" in line)
    assert answer.startswith("\\- item"), answer  # not a list item, heading or rule
    assert not any(line.strip() in ("---", "***") for line in lines)
    markdown_it = pytest.importorskip("markdown_it")
    html = markdown_it.MarkdownIt("commonmark").enable("table").render(markdown)
    assert "<img" not in html and "href=" not in html and "<strong>" not in html


# --- the last line of defence --------------------------------------------------------------


def test_an_unforeseen_failure_is_one_line_and_exit_70(cli: Callable[..., Run],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from binatsec import queries

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("an example bug")

    monkeypatch.setattr(queries, "stats_in", broken)
    monkeypatch.delenv(errors.DEBUG_ENV, raising=False)
    result = cli("stats")
    assert result.exit_code == errors.INTERNAL == 70
    assert result.stderr.count("\n") == 1
    assert "internal error: ZeroDivisionError: an example bug" in result.stderr


def test_json_never_carries_nan_or_infinity() -> None:
    with pytest.raises(ValueError):
        dumps({"value": float("nan")})
    assert json.loads(dumps({"text": "a\udcffb"}))["text"] == "a\ufffdb"
    assert json.loads(dumps({"text": "a\udcffb"}, ascii_only=True))["text"] == "a\ufffdb"

