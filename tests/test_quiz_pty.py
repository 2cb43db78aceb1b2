"""A quiz played key by key in a real pseudo-terminal: prompts, re-asks, the quit key, Ctrl-D
and Ctrl-C."""

from __future__ import annotations

import io
import json
import os
import re
import sys
from pathlib import Path

import pytest

from binatsec.corpus.records import Corpus
from binatsec.quiz import engine as quiz
from terminal_child import TerminalChild

pexpect = pytest.importorskip("pexpect")

MYTH_PROMPT = "Your answer (m = myth, f = fact, or q to stop): "
CHOICE_PROMPT = "Your answer (a-d, 1-4, or q to stop): "
TIMEOUT = 30


def _spawn(data_dir: Path, *args: str) -> TerminalChild:
    env = {k: v for k, v in os.environ.items()
           if k not in ("BINATSEC_CONTENT_DIR", "FORCE_COLOR", "COLUMNS", "LINES")}
    env.update(NO_COLOR="1", TERM="xterm", BINATSEC_DATA_DIR=str(data_dir))
    return TerminalChild([sys.executable, "-m", "binatsec", *args], env=env, timeout=TIMEOUT,
                         dimensions=(40, 100))


def _answers(corpus: Corpus, topic: str, count: int, seed: int) -> list[str]:
    return [q.answer for q in quiz.build(corpus, topic, count, seed)]


def _finish(child: TerminalChild) -> str:
    child.expect(pexpect.EOF)
    child.close()
    return str(child.before)


def test_a_myths_quiz_played_key_by_key(tmp_path: Path, corpus: Corpus) -> None:
    right = _answers(corpus, "myths", 2, 5)
    child = _spawn(tmp_path, "quiz", "--topic", "myths", "--count", "2", "--seed", "5")
    child.expect_exact("Quiz: myths  2 questions, seed 5")
    child.expect_exact("Question 1 of 2")
    child.expect_exact(MYTH_PROMPT)
    child.sendline("perhaps")
    child.expect_exact("'perhaps' is not one of the answers: answer m (myth) or f (fact), "
                       "or q to stop.")
    child.expect_exact(MYTH_PROMPT)
    child.sendline("myth" if right[0] == "m" else "fact")  # the words work too
    child.expect_exact("✓ Right")
    child.expect_exact("Question 2 of 2")
    child.expect_exact(MYTH_PROMPT)
    child.sendline("f" if right[1] == "m" else "m")
    child.expect_exact("✗ Wrong")
    child.expect_exact("Score: 1 of 2 (50%)")
    child.expect_exact("binatsec myths")
    rest = _finish(child)
    assert child.exitstatus == 0, rest
    saved = json.loads((tmp_path / "history.json").read_text(encoding="utf-8"))
    assert [(q["score"], q["total"]) for q in saved["quizzes"]] == [(1, 2)]


def test_multiple_choice_takes_a_number_or_a_letter(tmp_path: Path, corpus: Corpus) -> None:
    right = _answers(corpus, "pillars", 2, 1)
    child = _spawn(tmp_path, "quiz", "--topic", "pillars", "--count", "2", "--seed", "1",
                   "--no-save")
    child.expect_exact(CHOICE_PROMPT)
    child.sendline("9")
    child.expect_exact("'9' is not one of the answers: answer with a letter a-d, a number 1-4 "
                       "or an option's text, or q to")  # wrapped at 100 columns
    child.expect_exact("stop.")
    child.sendline(str("abcd".index(right[0]) + 1))
    child.expect_exact("✓ Right")
    child.expect_exact(CHOICE_PROMPT)
    child.sendline(right[1].upper())
    child.expect_exact("✓ Right")
    child.expect_exact("Score: 2 of 2 (100%)")
    child.expect_exact("Every answer right.")
    _finish(child)
    assert child.exitstatus == 0
    assert not (tmp_path / "history.json").exists()


def test_q_stops_the_quiz_unfinished(tmp_path: Path, corpus: Corpus) -> None:
    questions = quiz.build(corpus, "stats", 3, 7)
    child = _spawn(tmp_path, "quiz", "--topic", "stats", "--count", "3", "--seed", "7")
    child.expect_exact("Question 1 of 3")
    child.expect_exact(CHOICE_PROMPT)  # the prompt names the quit key
    child.sendline(questions[0].answer_text.upper())  # an option's text is an answer too
    child.expect_exact("✓ Right")
    child.expect_exact("Question 2 of 3")
    child.expect_exact(CHOICE_PROMPT)
    child.sendline("q")
    child.expect_exact("Stopped after 1 of 3 questions: the quiz is unfinished.")
    child.expect_exact("Score: 1 of 1 answered right; 2 not reached")
    child.expect_exact("binatsec: quiz ended after 1 of 3 questions (stopped with q); saved as "
                       "unfinished")
    rest = _finish(child)
    assert child.exitstatus == 1, rest  # not the 0 of a finished quiz
    assert "Question 3 of 3" not in rest and "Every answer right" not in rest
    saved = json.loads((tmp_path / "history.json").read_text(encoding="utf-8"))
    assert [(q["score"], q["total"], q["planned"], q["complete"])
            for q in saved["quizzes"]] == [(1, 1, 3, False)]


def test_myths_quiz_takes_the_quiz_options_and_the_quit_key(tmp_path: Path,
                                                           corpus: Corpus) -> None:
    child = _spawn(tmp_path, "myths", "--quiz", "--count", "2", "--seed", "5", "--no-save")
    child.expect_exact("Quiz: myths  2 questions, seed 5")
    child.expect_exact("Play these questions again: binatsec myths --quiz --count 2 --seed 5")
    child.expect_exact(MYTH_PROMPT)
    child.sendline("Q")
    child.expect_exact("Stopped after 0 of 2 questions: the quiz is unfinished.")
    child.expect_exact("Score: none answered; 2 not reached")
    rest = _finish(child)
    assert child.exitstatus == 1, rest
    assert not (tmp_path / "history.json").exists()


def test_ctrl_d_mid_quiz_prints_the_partial_score(tmp_path: Path) -> None:
    child = _spawn(tmp_path, "quiz", "--topic", "myths", "--count", "3", "--seed", "2")
    child.expect_exact(MYTH_PROMPT)
    child.sendline("m")
    child.expect_exact("Question 2 of 3")
    child.expect_exact(MYTH_PROMPT)
    child.sendeof()
    child.expect_exact("Input ended after 1 of 3 questions: the quiz is unfinished.")
    child.expect("Score: [01] of 1 answered right; 2 not reached")
    child.expect_exact("quiz ended after 1 of 3 questions (input ended)")
    rest = _finish(child)
    assert child.exitstatus == 1
    assert "Traceback" not in rest


def test_ctrl_c_exits_130_and_leaves_the_history_alone(tmp_path: Path) -> None:
    first = _spawn(tmp_path, "quiz", "--topic", "myths", "--count", "1", "--seed", "3")
    first.expect_exact(MYTH_PROMPT)
    first.sendline("m")
    _finish(first)
    history = tmp_path / "history.json"
    before = history.read_bytes()

    child = _spawn(tmp_path, "quiz", "--topic", "myths", "--count", "3", "--seed", "4")
    child.expect_exact(MYTH_PROMPT)
    child.sendline("f")
    child.expect_exact("Question 2 of 3")
    child.expect_exact(MYTH_PROMPT)
    child.sendintr()
    child.expect_exact("binatsec: interrupted; this quiz was not saved")
    rest = _finish(child)
    assert child.exitstatus == 130
    assert "Traceback" not in rest and "KeyboardInterrupt" not in rest
    assert history.read_bytes() == before
    # The lock file of the earlier save stays: removing a lock others may wait on is unsafe.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.json", "history.json.lock"]


@pytest.mark.parametrize("flag", ["--json", "--no-input"])
def test_no_prompts_mode_refuses_a_terminal(tmp_path: Path, flag: str) -> None:
    child = _spawn(tmp_path, "quiz", flag)
    child.expect_exact("reads answers from --answers or stdin, and stdin is a terminal")
    _finish(child)
    assert child.exitstatus == 2


def test_a_terminal_gets_colour_and_answers_are_still_read(tmp_path: Path,
                                                          corpus: Corpus) -> None:
    right = _answers(corpus, "myths", 1, 6)
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "BINATSEC_CONTENT_DIR")}
    env.update(TERM="xterm-256color", BINATSEC_DATA_DIR=str(tmp_path))
    screen = io.StringIO()
    child = TerminalChild([sys.executable, "-m", "binatsec", "quiz", "--topic", "myths",
                           "--count", "1", "--seed", "6", "--no-save"],
                          env=env, timeout=TIMEOUT, dimensions=(40, 100))
    child.logfile_read = screen
    child.expect_exact("Your answer")
    child.sendline(right[0])
    child.expect_exact("Right")
    _finish(child)
    assert child.exitstatus == 0
    assert "\x1b[" in screen.getvalue()  # styled, because stdout is a terminal
    assert "Score: 1 of 1 (100%)" in re.sub(r"\x1b\[[0-9;]*m", "", screen.getvalue())
