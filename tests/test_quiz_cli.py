"""`binatsec quiz`, `quiz history` and `myths --quiz` through CliRunner: scripted runs."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from binatsec.corpus.records import Corpus
from binatsec.errors import NOT_SAVED
from binatsec.quiz import engine as quiz
from binatsec.quiz import history
from conftest import ROOT, Run

SCHEMAS = ROOT / "schemas"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, run_environ: dict[str, str]) -> Path:
    folder = tmp_path / "data"
    run_environ["BINATSEC_DATA_DIR"] = str(folder)
    return folder


class Clock:
    """The time every quiz in a test sees: it moves only when the test moves it."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 28, 9, 30, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """No test here reads the wall clock: the history's clock is this one."""
    fixed = Clock()
    monkeypatch.setattr(history, "utc_now", fixed)
    return fixed


def _validator(name: str) -> Draft202012Validator:
    registry: Registry[Any] = Registry()
    for path in SCHEMAS.glob("*.schema.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        registry = registry.with_resource(
            schema["$id"], Resource.from_contents(schema, default_specification=DRAFT202012))
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema, registry=registry)


def _valid(name: str, document: dict[str, Any]) -> dict[str, Any]:
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in _validator(name).iter_errors(document)]
    assert errors == []
    return document


def _wrong(key: str) -> str:
    """An answer that is valid for the question whose right answer is `key`, but wrong."""
    if key in ("m", "f"):
        return "f" if key == "m" else "m"
    return "b" if key == "a" else "a"


def _right_answers(corpus: Corpus, topic: str, count: int, seed: int) -> list[str]:
    return [q.answer for q in quiz.build(corpus, topic, count, seed)]


# --- scripted play, for people --------------------------------------------------------------


def test_answers_on_stdin_are_graded_with_feedback(cli: Callable[..., Run],
                                                   corpus: Corpus) -> None:
    right = _right_answers(corpus, "all", 3, 11)
    result = cli("quiz", "--seed", "11", "--count", "3", input="\n".join(
        [right[0], _wrong(right[1]), right[2]]) + "\n")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Quiz: all topics  3 questions, seed 11" in out
    assert "binatsec quiz --topic all --count 3 --seed 11" in out
    assert out.count("✓ Right") == 2 and out.count("✗ Wrong") == 1
    assert "Score: 2 of 3 (67%)" in out
    assert "Missed:" in out and "Read more:" in out
    assert "\x1b" not in out  # not a terminal: plain text
    assert all(line == line.rstrip() for line in out.splitlines())


def _mixed(corpus: Corpus, topic: str, count: int, seed: int) -> list[str]:
    """Valid answers for the quiz, every other one wrong."""
    right = _right_answers(corpus, topic, count, seed)
    return [key if number % 2 else _wrong(key) for number, key in enumerate(right)]


def test_same_seed_and_answers_give_byte_identical_output(cli: Callable[..., Run],
                                                          corpus: Corpus) -> None:
    answers = "\n".join(_mixed(corpus, "all", 10, 5)) + "\n"
    first = cli("quiz", "--seed", "5", input=answers)
    second = cli("quiz", "--seed", "5", input=answers)
    listed = cli("quiz", "--seed", "5", "--answers", answers.strip().replace("\n", ","),
                 "--no-save")
    assert first.exit_code == second.exit_code == listed.exit_code == 0
    assert first.stdout == second.stdout == listed.stdout
    assert "Question 10 of 10" in first.stdout


def test_invalid_lines_are_asked_again_and_not_counted(cli: Callable[..., Run],
                                                       corpus: Corpus) -> None:
    right = _right_answers(corpus, "myths", 2, 3)
    result = cli("quiz", "--topic", "myths", "--count", "2", "--seed", "3",
                 input=f"maybe\n\n{right[0]}\n{right[1]}\n")
    assert result.exit_code == 0
    assert ("'maybe' is not one of the answers: answer m (myth) or f (fact), or q to stop."
            in result.stdout)
    assert "An empty answer is not one of the answers" in result.stdout
    assert "Score: 2 of 2 (100%)" in result.stdout


def test_end_of_input_mid_quiz_is_an_unfinished_quiz(cli: Callable[..., Run],
                                                      data_dir: Path, corpus: Corpus) -> None:
    right = _right_answers(corpus, "all", 4, 9)
    result = cli("quiz", "--count", "4", "--seed", "9", input=f"{right[0]}\n")
    assert result.exit_code == 1  # a script can tell it from a finished quiz (0)
    out = result.stdout
    assert "Input ended after 1 of 4 questions: the quiz is unfinished." in out
    assert "Score: 1 of 1 answered right; 3 not reached" in out
    assert "%" not in out.split("Score:")[1] and "Every answer right" not in out  # no praise
    assert result.stderr == ("binatsec: quiz ended after 1 of 4 questions (input ended); "
                             "saved as unfinished\n")
    saved = json.loads((data_dir / "history.json").read_text(encoding="utf-8"))
    assert [(q["score"], q["total"], q["planned"], q["complete"])
            for q in saved["quizzes"]] == [(1, 1, 4, False)]


def test_no_input_at_all_records_nothing(cli: Callable[..., Run], data_dir: Path) -> None:
    result = cli("quiz", "--seed", "1", input="")
    assert result.exit_code == 1
    assert "Input ended after 0 of 10 questions" in result.stdout
    assert "Score: none answered; 10 not reached" in result.stdout
    assert result.stderr == ("binatsec: quiz ended after 0 of 10 questions (input ended); "
                             "nothing answered, so nothing saved\n")
    assert not (data_dir / "history.json").exists()


def test_a_line_q_stops_the_quiz(cli: Callable[..., Run], data_dir: Path,
                                 corpus: Corpus) -> None:
    right = _right_answers(corpus, "all", 3, 12)
    result = cli("quiz", "--count", "3", "--seed", "12", input=f"{right[0]}\nq\n{right[2]}\n")
    assert result.exit_code == 1
    assert "or q to stop): q\n" in result.stdout  # echoed like any typed answer
    assert "Stopped after 1 of 3 questions: the quiz is unfinished." in result.stdout
    assert "Score: 1 of 1 answered right; 2 not reached" in result.stdout
    assert "Question 3 of 3" not in result.stdout
    assert "(stopped with q); saved as unfinished" in result.stderr
    doc = _valid("quiz", cli("quiz", "--count", "3", "--seed", "12", "--json", "--no-save",
                             input=f"{right[0]}\nq\n").json())
    assert (doc["total"], doc["planned"], doc["complete"], doc["ended"]) == (1, 3, False, "quit")
    assert (doc["right"], doc["answered"], doc["not_reached"]) == (1, 1, 2)
    assert len(doc["unanswered"]) == 2 and doc["saved"] is False


def test_an_answer_may_be_the_options_text(cli: Callable[..., Run], corpus: Corpus) -> None:
    questions = quiz.build(corpus, "stats", 2, 3)
    texts = [q.answer_text for q in questions]
    assert texts == ["over 15,000", "over 2,000 kg"]
    # Typed on stdin as shown, or in --answers without the thousands separators.
    for how in ({"input": "Over 15,000\nOVER 2,000 KG\n"},
                {"args": ("--answers", "over 15000,over 2000 kg")}):
        doc = cli("quiz", "--topic", "stats", "--count", "2", "--seed", "3", "--json",
                  "--no-save", *how.get("args", ()), input=how.get("input")).json()
        assert (doc["score"], doc["complete"]) == (2, True)


def test_without_a_seed_one_is_picked_and_shown_for_replay(cli: Callable[..., Run]) -> None:
    first = cli("quiz", "--count", "3", "--json", "--no-save", input="a\na\na\n").json()
    seed = first["seed"]
    assert isinstance(seed, int) and seed >= 0
    again = cli("quiz", "--count", "3", "--seed", str(seed), "--json", "--no-save",
                input="a\na\na\n").json()
    assert again["questions"] == first["questions"]
    human = cli("quiz", "--count", "1", "--no-save", "--seed", "1234567890", input="a\n")
    assert ("Play these questions again: binatsec quiz --topic all --count 1 --seed 1234567890\n"
            in human.stdout)  # one line, never folded, even past 80 columns


# --- --json, for scripts --------------------------------------------------------------------


def test_json_grades_every_answer(cli: Callable[..., Run], corpus: Corpus) -> None:
    right = _right_answers(corpus, "all", 6, 21)
    given = [right[0], _wrong(right[1]), *right[2:]]
    result = cli("quiz", "--seed", "21", "--count", "6", "--json", "--answers", ",".join(given))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    doc = _valid("quiz", result.json())
    assert doc["command"] == "quiz" and doc["seed"] == 21 and doc["topic"] == "all"
    assert (doc["score"], doc["total"], doc["planned"], doc["complete"]) == (5, 6, 6, True)
    assert type(doc["score"]) is int and type(doc["total"]) is int
    assert [q["correct"] for q in doc["questions"]] == [True, False, True, True, True, True]
    assert [q["correct_answer"] for q in doc["questions"]] == right
    assert doc["missed"] == [doc["questions"][1]["id"]]
    assert doc["read"] == [doc["questions"][1]["read"]]
    assert doc["saved"] is True and doc["unanswered"] == []
    first = doc["questions"][0]
    assert set(first) >= {"id", "kind", "prompt", "options", "answer", "correct_answer",
                          "correct"}


def test_json_reads_stdin_and_sends_hints_to_stderr(cli: Callable[..., Run]) -> None:
    result = cli("quiz", "--topic", "myths", "--count", "3", "--seed", "2", "--json",
                 input="x\nm\n")
    assert result.exit_code == 1  # unfinished: the document, then exit 1
    doc = _valid("quiz", result.json())
    assert (doc["total"], doc["planned"], doc["complete"]) == (1, 3, False)
    assert doc["ended"] == "end-of-input"
    assert len(doc["unanswered"]) == 2
    first, note = result.stderr.splitlines()
    assert "'x' is not an answer" in first
    assert note == "binatsec: quiz ended after 1 of 3 questions (input ended); saved as unfinished"


def test_root_json_flag_reaches_the_quiz(cli: Callable[..., Run]) -> None:
    doc = cli("--json", "quiz", "--answers", "a", "--topic", "pillars", "--seed", "1",
              "--count", "1").json()
    assert doc["command"] == "quiz" and doc["total"] == 1


def test_the_json_path_does_not_load_rich(data_dir: Path) -> None:
    code = ("import sys\n"
            "from binatsec.cli.app import app\n"
            "code = app(['quiz', '--json', '--answers', 'a,b', '--count', '2', '--seed', '4', "
            "'--no-save'], "
            "standalone_mode=False)\n"
            "sys.stderr.write(str(sorted(m for m in sys.modules if m.startswith('rich'))))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    assert json.loads(done.stdout)["total"] == 2
    assert done.stderr == "[]"


# --- usage errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "message"), [
    (("--count", "0"), "--count"),
    (("--count", "-3"), "--count"),
    (("--count", "many"), "--count"),
    (("--topic", "weather"), "--topic"),
    (("--seed", "-1"), "--seed"),
    (("--answers", ""), "give at least one answer"),
    (("--answers", "a,zebra", "--topic", "stats", "--seed", "1"), "answer 2 'zebra' is not valid"),
    (("--answers", "a,b,c", "--count", "2", "-t", "pillars"), "got 3 answers for 2 questions"),
    # Too few is the same mistake as too many: never a quiz cut short without a word.
    (("--answers", "b", "--count", "3", "-t", "pillars"), "got 1 answer for 3 questions"),
    (("--answers", "a,q", "--count", "2", "--topic", "pillars"), "answer 2 'q' is not valid"),
])
def test_usage_errors_exit_2_with_one_line(cli: Callable[..., Run], args: tuple[str, ...],
                                           message: str) -> None:
    result = cli("quiz", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert "Traceback" not in result.stderr


# --- myths --quiz ---------------------------------------------------------------------------


@pytest.mark.parametrize("args", [("--count", "3"), ("--seed", "5"), ("--answers", "m"),
                                  ("--no-save",), ("--review",), ("--no-input",)])
def test_myths_without_quiz_refuses_the_quiz_options(cli: Callable[..., Run],
                                                     args: tuple[str, ...]) -> None:
    result = cli("myths", *args)
    assert result.exit_code == 2 and result.stdout == ""
    assert f"{args[0]} is a quiz option: add --quiz" in result.stderr


def test_myths_quiz_takes_the_quiz_options(cli: Callable[..., Run], corpus: Corpus,
                                           data_dir: Path) -> None:
    right = _right_answers(corpus, "myths", 3, 5)
    wrong = [right[0], _wrong(right[1]), right[2]]
    args = ("--count", "3", "--seed", "5", "--answers", ",".join(wrong))
    shortcut = cli("myths", "--quiz", *args, "--json", "--no-save")
    assert shortcut.exit_code == 0, shortcut.stderr
    doc = _valid("quiz", shortcut.json())
    full = cli("quiz", "--topic", "myths", *args, "--json", "--no-save").json()
    assert doc == full  # the same quiz, option for option
    assert (doc["planned"], doc["score"], doc["saved"]) == (3, 2, False)
    assert not (data_dir / "history.json").exists()
    human = cli("myths", "--quiz", *args)
    assert human.exit_code == 0
    assert "Quiz: myths  3 questions, seed 5" in human.stdout
    assert "Score: 2 of 3 (67%)" in human.stdout
    # The replay hint is a command that works, and plays the same questions again.
    hint = "Play these questions again: binatsec myths --quiz --count 3 --seed 5\n"
    assert hint in human.stdout
    again = cli(*hint.split(": ", 1)[1].split()[1:], "--answers", ",".join(wrong))
    assert again.stdout == human.stdout
    review = cli("myths", "--quiz", "--count", "3", "--seed", "6", "--review", "--json",
                 "--answers", "m,m,m").json()
    assert review["review"] is True and review["questions"][0]["id"] == doc["missed"][0]
    too_few = cli("myths", "--quiz", "--count", "3", "--answers", "m")
    assert too_few.exit_code == 2 and "got 1 answer for 3 questions" in too_few.stderr


def test_the_replay_hint_keeps_what_chose_the_questions(cli: Callable[..., Run]) -> None:
    plain = cli("quiz", "--topic", "faq", "--count", "2", "--seed", "8", "--no-save",
                input="")
    assert "again: binatsec quiz --topic faq --count 2 --seed 8\n" in plain.stdout
    review = cli("quiz", "--topic", "stats", "--count", "30", "--seed", "8", "--review",
                 "--no-save", input="")
    # --count is what was played (the content has ten figures), and --review is kept.
    assert "again: binatsec quiz --topic stats --count 10 --seed 8 --review\n" in review.stdout


def test_myths_quiz_is_the_same_engine_on_myths(cli: Callable[..., Run],
                                                corpus: Corpus) -> None:
    doc = _valid("quiz", cli("myths", "--quiz", "--json", input="m\nf\nm\n").json())
    assert doc["ended"] == "end-of-input"
    assert doc["topic"] == "myths" and doc["planned"] == len(corpus.myths)
    assert {q["kind"] for q in doc["questions"]} == {"myth-or-fact"}
    seed = doc["seed"]
    again = cli("quiz", "--topic", "myths", "--seed", str(seed), "--json",
                input="m\nf\nm\n").json()
    assert again["questions"] == doc["questions"]
    human = cli("myths", "--quiz", input="m\n")
    assert "Quiz: myths  8 questions" in human.stdout
    assert "Myth or fact?" in human.stdout


def test_myths_without_quiz_is_unchanged(cli: Callable[..., Run]) -> None:
    result = cli("myths")
    assert result.exit_code == 0
    assert "Myths and realities" in result.stdout and "Your answer" not in result.stdout


# --- history and review ---------------------------------------------------------------------


def test_history_lists_past_quizzes(cli: Callable[..., Run], data_dir: Path,
                                    corpus: Corpus) -> None:
    assert "No quizzes yet" in cli("quiz", "history").stdout
    for seed, save in ((1, ()), (2, ("--no-save",))):
        answers = ",".join(_mixed(corpus, "all", 2, seed))
        assert cli("quiz", "--seed", str(seed), "--count", "2", "--answers", answers,
                   *save).exit_code == 0
    assert cli("quiz", "--seed", "3", "--count", "3", "--topic", "pillars",
               input="a\nb\n").exit_code == 1
    doc = _valid("quiz-history", cli("quiz", "history", "--json").json())
    assert doc["command"] == "quiz-history"
    assert [(q["seed"], q["topic"], q["total"]) for q in doc["quizzes"]] == [
        (1, "all", 2), (3, "pillars", 2)]
    assert doc["played"] == 2
    assert doc["file"] == str(data_dir / "history.json")
    human = cli("quiz", "history")
    assert human.exit_code == 0
    assert "Quiz history: 2 quizzes" in human.stdout
    # Unfinished: the same words as after the quiz, no percentage.
    wide = cli("quiz", "history", env={"COLUMNS": "120"}).stdout
    assert " of 2 answered right; 1 not reached " in wide
    unfinished = doc["quizzes"][1]
    assert (unfinished["answered"], unfinished["not_reached"]) == (2, 1)
    assert unfinished["right"] == unfinished["score"]


def test_review_asks_the_latest_misses_first(cli: Callable[..., Run], corpus: Corpus) -> None:
    right = _right_answers(corpus, "stats", 4, 8)
    wrong = [_wrong(r) for r in right]
    first = cli("quiz", "--topic", "stats", "--count", "4", "--seed", "8", "--json",
                "--answers", ",".join([right[0], wrong[1], right[2], wrong[3]])).json()
    missed = first["missed"]
    assert len(missed) == 2
    review = cli("quiz", "--topic", "stats", "--count", "4", "--seed", "99", "--review",
                 "--json", input="").json()
    assert review["review"] is True
    assert review["unanswered"][:2] == missed or review["unanswered"][:2] == missed[::-1]
    history = cli("quiz", "history", "--json").json()
    assert history["due_for_review"][:2] == sorted(missed)  # same quiz: ties go by id
    human = cli("quiz", "--topic", "stats", "--count", "4", "--review", "--no-save",
                input="")
    assert "Review: 2 questions you missed or are due again come first." in human.stdout


def test_history_says_what_is_due_now_and_when_the_next_are(
        cli: Callable[..., Run], corpus: Corpus, clock: Clock) -> None:
    right = _right_answers(corpus, "stats", 4, 8)
    given = [right[0], _wrong(right[1]), right[2], _wrong(right[3])]
    played = cli("quiz", "--topic", "stats", "--count", "4", "--seed", "8", "--json",
                 "--answers", ",".join(given)).json()
    doc = _valid("quiz-history", cli("quiz", "history", "--json").json())
    assert doc["due_for_review"] == sorted(played["missed"])
    assert len(doc["upcoming"]) == 1
    day = doc["upcoming"][0]
    known = sorted(q["id"] for q in played["questions"] if q["correct"])
    assert (day["count"], sorted(day["questions"])) == (2, known)
    assert day["date"] == "2026-11-30"  # FSRS: a first right answer waits two days
    human = cli("quiz", "history").stdout
    assert "2 questions due now; next: 2 more on 2026-11-30\n" in human
    assert "Review them first: binatsec quiz --review\n" in human
    # Two more quick quizzes, every answer right: nothing more falls due today.
    for seed in (9, 10):
        answers = ",".join(_right_answers(corpus, "pillars", 3, seed))
        assert cli("quiz", "-t", "pillars", "-n", "3", "--seed", str(seed), "--answers",
                   answers).exit_code == 0
        clock.advance(minutes=3)
    assert len(cli("quiz", "history", "--json").json()["due_for_review"]) == 2
    # Review the misses right, then nothing is due until the days have passed.
    due = doc["due_for_review"]
    answers = [q.answer for q in quiz.build(corpus, "stats", 2, 11, first=due)]
    review = cli("quiz", "--topic", "stats", "--count", "2", "--seed", "11", "--review",
                 "--json", "--answers", ",".join(answers)).json()
    assert [q["id"] for q in review["questions"]] == due and review["score"] == 2
    after = cli("quiz", "history").stdout
    # Answered right minutes after a miss, a question comes back the next day.
    assert "No questions due now; next: 2 questions on 2026-11-29\n" in after
    assert "binatsec quiz --review" not in after
    clock.advance(days=3)
    later = cli("quiz", "history", "--json").json()
    assert len(later["due_for_review"]) >= 4 and later["upcoming"] == []  # all due by now


def test_a_corrupt_history_is_set_aside_and_the_quiz_goes_on(cli: Callable[..., Run],
                                                            data_dir: Path) -> None:
    data_dir.mkdir()
    (data_dir / "history.json").write_text("{ this is not json", encoding="utf-8")
    result = cli("quiz", "--seed", "1", "--count", "1", "--answers", "a")
    assert result.exit_code == 0
    assert "Score:" in result.stdout
    assert "is corrupt" in result.stderr and "history.json.corrupt-" in result.stderr
    asides = list(data_dir.glob("history.json.corrupt-*"))
    assert len(asides) == 1
    assert asides[0].read_text(encoding="utf-8") == "{ this is not json"
    assert json.loads((data_dir / "history.json").read_text(encoding="utf-8"))["played"] == 1


@pytest.mark.parametrize("columns", [20, 40, 50, 60, 80])
def test_history_cuts_nothing_at_any_width(cli: Callable[..., Run], corpus: Corpus,
                                           columns: int) -> None:
    seed = 2_053_117_431  # as long as a drawn seed gets
    answers = ",".join(_mixed(corpus, "all", 2, seed))
    assert cli("quiz", "--seed", str(seed), "--count", "2", "--answers", answers).exit_code == 0
    finished = cli("quiz", "history", "--json").json()["quizzes"][0]["finished_at"]
    shown = cli("quiz", "history", env={"COLUMNS": str(columns)}).stdout
    assert "…" not in shown
    assert str(seed) in shown
    day, time = finished.removesuffix("Z").split("T")
    assert day in shown and time in shown  # a narrow date column may wrap it, never cut it


# --- a result that could not be saved; Ctrl-C while saving (issue 14) ---------------------


def _unsaveable(data_dir: Path) -> None:
    """A history binatsec will not read, so no quiz can be added to it: a file past the cap."""
    data_dir.mkdir()
    (data_dir / "history.json").write_bytes(b" " * (history.MAX_BYTES + 1))


def test_a_result_that_could_not_be_saved_is_shown_and_exits_not_saved(
        cli: Callable[..., Run], data_dir: Path) -> None:
    """It exited 0: a script could not tell that its history had stopped growing."""
    _unsaveable(data_dir)
    shown = cli("quiz", "--topic", "myths", "--count", "2", "--seed", "5", "--answers", "m,m")
    assert shown.exit_code == NOT_SAVED == 73
    assert "Score:" in shown.stdout
    assert shown.stderr.count("\n") == 1 and "this quiz was not saved" in shown.stderr
    assert "is larger than 5 MB" in shown.stderr
    document = cli("quiz", "--topic", "myths", "--count", "2", "--seed", "5", "--answers",
                   "m,m", "--json")
    assert document.exit_code == NOT_SAVED
    assert _valid("quiz", document.json())["saved"] is False
    # Unfinished and not saved: not saved wins (1 would say only "unfinished").
    cut = cli("quiz", "--topic", "myths", "--count", "2", "--seed", "5", input="m\n")
    assert cut.exit_code == NOT_SAVED and "Score:" in cut.stdout
    assert "quiz ended after 1 of 2 questions" in cut.stderr
    # Nothing to save is no failure to save.
    assert cli("quiz", "--no-save", "--topic", "stats", "--count", "1", "--seed", "1",
               "--answers", "a").exit_code == 0
    assert cli("quiz", "--count", "2", input="").exit_code == 1


@pytest.mark.parametrize("when", ["before", "after"])
def test_ctrl_c_while_saving_says_truly_whether_the_quiz_was_saved(
        cli: Callable[..., Run], data_dir: Path, monkeypatch: pytest.MonkeyPatch,
        when: str) -> None:
    from binatsec import fileio

    real_write = fileio.atomic_write

    def interrupted_write(path: Path, data: bytes, **options: Any) -> None:
        if when == "after":  # the new file is in place: Ctrl-C during the folder's fsync
            real_write(path, data, **options)
        raise KeyboardInterrupt

    monkeypatch.setattr(fileio, "atomic_write", interrupted_write)
    result = cli("quiz", "--topic", "myths", "--count", "2", "--seed", "5", "--answers", "m,m",
                 "--json")
    assert result.exit_code == 130
    saved = when == "after"
    assert result.stderr.splitlines()[-1] == (
        f"binatsec: interrupted; this quiz was {'saved' if saved else 'not saved'}")
    assert (data_dir / "history.json").exists() is saved


# --- questions without playing: quiz --print (issue 16) -----------------------------------


@pytest.mark.parametrize("columns", [40, 80])
def test_print_writes_a_worksheet_then_its_answer_key(cli: Callable[..., Run], corpus: Corpus,
                                                      data_dir: Path, columns: int) -> None:
    questions = quiz.build(corpus, "all", 10, 7)
    env = {"COLUMNS": str(columns)}
    result = cli("quiz", "--print", "--seed", "7", env=env, input="a\nb\n")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    assert out == cli("quiz", "--print", "--seed", "7", env=env).stdout  # the same sheet
    sheet, key = out.split("\nAnswer key\n")
    assert "Questions\n" in sheet and "10 questions, seed 7." in sheet
    assert "binatsec quiz --topic all --count 10 --seed 7 --answers ANSWERS\n" in sheet
    for number, question in enumerate(questions, start=1):
        assert f"\n{number}. " in sheet and f"\n{number}. " in key
        for option in question.options:
            assert f"{option.key}) " in sheet
        assert question.record_id in key
        assert f"Read more: {question.read}\n" in key  # a command, whole on its line
    flat_key = " ".join(key.split())
    assert all(" ".join(q.answer_text.split()) in flat_key for q in questions)
    assert "✓" not in out and "Your answer" not in out and "\x1b" not in out
    for line in out.splitlines():  # wrapped to the width, but for whole ids and commands
        assert line == line.rstrip()
        assert len(line) <= columns or line.strip().startswith(
            ("binatsec ", "Read more: binatsec ", "Read: ")), line
    assert not data_dir.exists() or not (data_dir / "history.json").exists()  # never saved


def test_print_json_is_what_a_script_needs_to_answer(cli: Callable[..., Run],
                                                     corpus: Corpus) -> None:
    result = cli("quiz", "--print", "--json", "--topic", "stats", "--count", "4", "--seed", "3")
    assert result.exit_code == 0, result.stderr
    doc = _valid("quiz", result.json())
    assert doc["printed"] is True and doc["seed"] == 3 and doc["planned"] == 4
    built = quiz.build(corpus, "stats", 4, 3)
    assert [q["id"] for q in doc["questions"]] == [q.id for q in built]
    assert [a["answer"] for a in doc["answer_key"]] == [q.answer for q in built]
    assert [q["options"] for q in doc["questions"]] == [
        [{"key": o.key, "text": o.text} for o in q.options] for q in built]
    # The key, given to the command it names, is a full score.
    answers = ",".join(a["answer"] for a in doc["answer_key"])
    played = cli(*doc["play"].split()[1:], "--answers", answers, "--json", "--no-save").json()
    assert (played["right"], played["answered"], played["not_reached"]) == (4, 4, 0)
    assert played["printed"] is False
    # The text and the JSON are the same sheet.
    text = cli("quiz", "--print", "--topic", "stats", "--count", "4", "--seed", "3",
               env={"COLUMNS": "200"}).stdout
    assert all(q["prompt"] in text for q in doc["questions"])


def test_print_never_plays(cli: Callable[..., Run]) -> None:
    refused = cli("quiz", "--print", "--answers", "a")
    assert refused.exit_code == 2 and "--print writes the questions" in refused.stderr
    myths = cli("myths", "--quiz", "--print", "--seed", "4", "--count", "2")
    assert myths.exit_code == 0 and "Myth or fact?" in myths.stdout
    assert "binatsec myths --quiz --count 2 --seed 4 --answers ANSWERS" in myths.stdout
    assert cli("myths", "--print").exit_code == 2  # a quiz option, without --quiz


# --- myths WORDS --quiz asks about what the look-up found --------------------------------


def test_myths_quiz_asks_only_about_the_myths_found(cli: Callable[..., Run],
                                                    corpus: Corpus) -> None:
    found = [item["id"] for item in cli("myths", "drugs", "--json").json()["items"]]
    assert 0 < len(found) < len(corpus.myths)
    doc = _valid("quiz", cli("myths", "drugs", "--quiz", "--seed", "3", "--json",
                             "--no-save", input="m\n" * 10).json())
    assert doc["query"] == "drugs" and doc["planned"] == len(found)
    assert sorted(q["record_id"] for q in doc["questions"]) == sorted(found)
    human = cli("myths", "drugs", "--quiz", "--seed", "3", "--no-save", input="")
    assert f"On the {len(found)} myths that match 'drugs'." in human.stdout
    assert (f"Play these questions again: binatsec myths drugs --quiz --count {len(found)} "
            "--seed 3\n") in human.stdout
    plain = cli("quiz", "--topic", "myths", "--seed", "3", "--json", "--no-save", input="")
    assert plain.json()["query"] is None


def test_myths_quiz_on_words_that_find_nothing_is_nothing_found(cli: Callable[..., Run],
                                                                data_dir: Path) -> None:
    listing = cli("myths", "xyzzy")
    for args in (("--quiz",), ("--quiz", "--json"), ("--quiz", "--print")):
        result = cli("myths", "xyzzy", *args, input="m\n")
        assert result.exit_code == 1
        assert result.stderr == listing.stderr  # the usual "nothing found"
        assert "Your answer" not in result.stdout
    document = cli("myths", "xyzzy", "--quiz", "--json").json()
    assert document["command"] == "myths" and document["count"] == 0
    assert not (data_dir / "history.json").exists()
