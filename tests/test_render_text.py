"""The human renderer's own rules: content is shown, never obeyed; padding stays off pipes."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest

from binatsec.corpus.records import Corpus
from binatsec.environment import Environment, wants_colour
from binatsec.textsafety import safe_text as clean
from binatsec.views.terminal import TrimmedLines
from conftest import Run


def test_clean_drops_terminal_and_bidi_controls_but_keeps_text() -> None:
    hostile = "a\x1b[31mb\x07c\rd\x9be\u202ef\u2066g\u200fh\u2028i\ufeffj"
    assert clean(hostile) == "a[31mbcdefghij"
    kept = "line one\n\tسلام עולם 😀 Mérida"
    assert clean(kept) == kept


def test_styles_follow_the_conventions() -> None:
    assert wants_colour({}, stdout_is_terminal=True)
    assert not wants_colour({}, stdout_is_terminal=False)
    assert not wants_colour({"NO_COLOR": "1"}, stdout_is_terminal=True)
    assert not wants_colour({"TERM": "dumb"}, stdout_is_terminal=True)
    assert wants_colour({"FORCE_COLOR": "1"}, stdout_is_terminal=False)
    assert not wants_colour({"FORCE_COLOR": "1", "NO_COLOR": "1"}, stdout_is_terminal=False)


def test_trimmed_lines_drop_padding_only_before_newlines() -> None:
    out = io.StringIO()
    stream = TrimmedLines(out)
    stream.write("a   \nb\t \n  c  ")
    assert out.getvalue() == "a\nb\n  c  "


def test_plain_output_has_no_trailing_blanks(cli: Callable[..., Run]) -> None:
    result = cli("stats", "seizures")
    assert result.exit_code == 0
    assert all(line == line.rstrip() for line in result.stdout.splitlines())


def test_records_show_their_linked_figures(cli: Callable[..., Run]) -> None:
    result = cli("pillars", "1")
    assert "Over 15,000 Mexican police officers trained by the U.S." in result.stdout
    assert "stat.police-officers-trained" in result.stdout


def test_counts_read_in_the_singular_for_one(cli: Callable[..., Run]) -> None:
    from binatsec.views.terminal import plural

    assert (plural(1, "event"), plural(2, "event"), plural(2, "quiz", "quizzes")) == (
        "1 event", "2 events", "2 quizzes")
    one_event = cli("timeline", "--from", "1846", "--to", "1846").stdout
    assert "Timeline  1 event\n" in one_event
    assert "1 result for" in cli("search", "Pew", "--section", "sources").stdout


# --- the terminal environment, decided once and passed down --------------------------------


def _environment(width: int, colour: bool) -> tuple[io.StringIO, Environment]:
    out = io.StringIO()
    return out, Environment(stdin=None, stdout=out, stderr=io.StringIO(),
                            stdin_is_terminal=False, stdout_is_terminal=colour,
                            unicode=True, colour=colour, width=width)


def test_views_draw_for_the_environment_they_are_given(corpus: Corpus) -> None:
    from binatsec.results import Figures
    from binatsec.views.terminal import render

    seizures = [s for s in corpus.stats if s.category == "seizures"]
    plain, env = _environment(30, colour=False)
    render(Figures(seizures, corpus, "seizures"), env)
    assert "\x1b[" not in plain.getvalue()
    assert "id: stat.fentanyl-pills-2020" in plain.getvalue()  # narrow: key: value lines
    styled, env = _environment(120, colour=True)
    render(Figures(seizures, corpus, "seizures"), env)
    assert "\x1b[" in styled.getvalue()
    # Nothing is wider than the terminal but what must stay whole (the title ends in an id).
    assert [line for line in plain.getvalue().splitlines() if len(line) > 30] == [
        "Drugs found and seized (seizures)"]


@pytest.mark.parametrize(("columns", "width"), [
    ("0", 20), ("5", 20), ("100", 100), ("100000", 1000), ("99999999999999999999", 1000),
    ("-3", 80), ("", 80), ("wide", 80), ("²", 80),
])
def test_the_width_comes_from_columns_clamped(columns: str, width: int,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    assert Environment.detect({"COLUMNS": columns}).width == width


def test_only_the_text_rule_makes_safe_text() -> None:
    """`SafeText` is a promise that the rule ran: nothing but views.textsafety makes one by
    hand, and nothing but views.terminal touches Rich (ruff's banned-api keeps the imports)."""
    from pathlib import Path

    import binatsec

    source = Path(binatsec.__file__).parent
    makers = [str(path.relative_to(source)) for path in source.rglob("*.py")
              if "SafeText(" in path.read_text(encoding="utf-8")]
    assert makers == ["textsafety.py"]
