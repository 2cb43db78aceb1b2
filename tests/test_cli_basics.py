"""Every read command through CliRunner: exit codes, messages, and what people see."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from conftest import Run


def test_overview_lists_every_section(cli: Callable[..., Run]) -> None:
    result = cli()
    assert result.exit_code == 0
    for command in ("faq", "myths", "timeline", "pillars", "stats", "cooperation",
                    "criticisms", "outlook", "actions", "sources"):
        assert command in result.stdout
    assert "binatsec faq merida" in result.stdout


def test_faq_answers_by_words_with_the_figure(cli: Callable[..., Run]) -> None:
    result = cli("faq", "merida", "funding")
    assert result.exit_code == 0
    assert "How much money has been invested in the Merida Initiative?" in result.stdout
    assert "Over $3 billion" in result.stdout
    assert "stat.merida-funding" in result.stdout


def test_faq_by_short_id(cli: Callable[..., Run]) -> None:
    doc = cli("faq", "merida-initiative", "--json").json()
    assert [item["id"] for item in doc["items"]] == ["faq.merida-initiative"]


def test_faq_nothing_found_exits_1_with_one_line(cli: Callable[..., Run]) -> None:
    result = cli("faq", "zebra")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "no question matches 'zebra'" in result.stderr


def test_unknown_category_is_usage_error_with_suggestion(cli: Callable[..., Run]) -> None:
    result = cli("stats", "seizure")
    assert result.exit_code == 2
    assert "did you mean 'seizures'?" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_option_is_usage_error(cli: Callable[..., Run]) -> None:
    result = cli("stats", "--frobnicate")
    assert result.exit_code == 2
    assert "No such option: --frobnicate" in result.stderr


def test_shell_completion_offers_values_from_the_content() -> None:
    from binatsec.cli.commands import complete_ids as _complete_from

    assert list(_complete_from("faq")("merida-i")) == ["merida-initiative"]
    assert "seizures" in list(_complete_from("categories")("se"))
    assert list(_complete_from("pillars")("zz")) == []


def test_faq_lists_full_ids_and_answers_either_form(cli: Callable[..., Run]) -> None:
    listing = cli("faq").stdout
    assert "faq.merida-initiative" in listing
    assert "\nmerida-initiative" not in listing and " merida-initiative" not in listing
    for given in ("faq.merida-initiative", "merida-initiative"):
        assert "faq.merida-initiative" in cli("faq", given).stdout


def test_overview_summaries_hold_no_counts_your_content_could_change(
    cli: Callable[..., Run], tmp_path: Path,
) -> None:
    (tmp_path / "faq.toml").write_text(
        '[[faq]]\nid = "faq.extra"\nquestion.en = "One more question?"\n'
        'answer.en = "One more answer, from your own content."\n', encoding="utf-8")
    numbers = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
                         r"twelve|thirteen)\b", re.IGNORECASE)
    sections = cli("--content-dir", str(tmp_path), "--json").json()["sections"]
    assert next(s["count"] for s in sections if s["name"] == "faq") == 13
    assert [s["summary"] for s in sections if numbers.search(s["summary"])] == []
    shown = cli("--content-dir", str(tmp_path)).stdout
    assert "twelve" not in shown and "1846" not in shown


def test_a_typo_in_one_word_of_an_id_is_suggested(cli: Callable[..., Run]) -> None:
    result = cli("pillars", "comunity")
    assert result.exit_code == 2
    assert "did you mean 'pillar.community-engagement'?" in result.stderr


def test_with_no_close_match_the_valid_values_are_listed(cli: Callable[..., Run]) -> None:
    result = cli("stats", "xyz")
    assert result.exit_code == 2
    assert ("choose from: funding, training, seizures, violence, migration, "
            "military-exercises, public-opinion") in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_mistyped_command_is_suggested(cli: Callable[..., Run]) -> None:
    result = cli("stat")
    assert result.exit_code == 2
    assert "no such command 'stat'; did you mean 'stats'?" in result.stderr
