"""Every read command through CliRunner: exit codes, messages, and what people see."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from binatsec.corpus import kinds
from conftest import Run


def test_overview_lists_every_section(cli: Callable[..., Run]) -> None:
    result = cli()
    assert result.exit_code == 0
    for kind in kinds.sections():
        assert kind.name in result.stdout
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


def test_words_that_name_no_category_find_nothing_with_a_suggestion(
        cli: Callable[..., Run]) -> None:
    # stats takes words as well as categories: words that find nothing exit 1, as on faq.
    result = cli("stats", "seizure")
    assert result.exit_code == 1
    assert "did you mean 'seizures'?" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_option_is_usage_error(cli: Callable[..., Run]) -> None:
    result = cli("stats", "--frobnicate")
    assert result.exit_code == 2
    assert "No such option: --frobnicate" in result.stderr


def test_shell_completion_offers_values_from_the_content() -> None:
    from binatsec.cli.commands import complete_ids as _complete_from

    assert list(_complete_from("faq")(incomplete="merida-i")) == ["merida-initiative"]
    assert "seizures" in list(_complete_from("categories")(incomplete="se"))
    assert list(_complete_from("pillars")(incomplete="zz")) == []


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
    assert result.exit_code == 1  # words that find nothing
    assert "did you mean 'pillar.community-engagement'?" in result.stderr


def test_with_no_close_match_the_categories_are_listed(cli: Callable[..., Run]) -> None:
    result = cli("stats", "xyz")
    assert result.exit_code == 1
    assert ("categories: funding, training, seizures, violence, migration, "
            "military-exercises, public-opinion") in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_mistyped_command_is_suggested(cli: Callable[..., Run]) -> None:
    result = cli("stat")
    assert result.exit_code == 2
    assert "no such command 'stat'; did you mean 'stats'?" in result.stderr


def test_a_users_content_is_told_apart_from_the_articles(cli: Callable[..., Run],
                                                         tmp_path: Path) -> None:
    """Issue 11: a figure replaced by the user's folder is marked, in JSON and for people,
    and no header claims it for the article."""
    (tmp_path / "stats.toml").write_text(
        '[[stat]]\nid = "stat.merida-funding"\ncategory = "funding"\n'
        'label.en = "Merida Initiative funding"\nwhat.en = "put into the Merida Initiative"\n'
        'value = 3500000000\nunit = "usd"\nqualifier = "over"\nperiod.en = "since 2008"\n',
        encoding="utf-8")
    mine = str(tmp_path / "stats.toml")
    items = {i["id"]: i for i in cli("--content-dir", str(tmp_path), "stats", "--json")
             .json()["items"]}
    assert items["stat.merida-funding"]["origin"] == mine
    assert items["stat.meth-seizures-2020"]["origin"] == "bundled"
    table = cli("--content-dir", str(tmp_path), "stats", "funding").stdout
    assert "stat.merida-funding [yours]" in table
    assert (f"[yours]: from your content folder, not the article: {mine}"
            in " ".join(table.split()))
    assert "those marked [yours] come from your folder" in " ".join(table.split())
    overview = " ".join(cli("--content-dir", str(tmp_path)).stdout.split())
    assert "All content is drawn from one source article" not in overview
    assert "1 record comes from your folder" in overview
    assert "[yours]" not in cli("stats", "funding").stdout
    assert cli("stats", "--json").json()["items"][0]["origin"] == "bundled"


@pytest.mark.parametrize(("args", "starts"), [
    (("-f", "MD"), "# US–Mexico"), (("-f", "Markdown"), "# US–Mexico"),
    (("--json",), "{"), (("-f", "CSV"), "id,category"),
])
def test_export_formats_in_any_case_short_names_and_json(
        cli: Callable[..., Run], args: tuple[str, ...], starts: str) -> None:
    result = cli("export", *args)
    assert result.exit_code == 0 and result.stdout.startswith(starts)


def test_export_to_a_file_is_written_whole(cli: Callable[..., Run], tmp_path: Path) -> None:
    target = tmp_path / "corpus.json"
    result = cli("export", "--output", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["command"] == "export"
    assert f"wrote json to {target}" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["corpus.json"]  # no temporary left
    missing = cli("export", "--output", str(tmp_path / "no" / "such" / "x.json"))
    assert missing.exit_code == 1 and "cannot write" in missing.stderr
    assert not (tmp_path / "no").exists()
    wrong = cli("export", "-f", "markdwn")
    assert wrong.exit_code == 2 and "did you mean 'markdown'" in wrong.stderr


def test_export_to_dash_writes_to_stdout_as_unix_tools_do(
        cli: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for args, starts in ((("-o", "-"), "{"), (("--output", "-", "-f", "md"), "# US–Mexico")):
        result = cli("export", *args)
        assert (result.exit_code, result.stderr) == (0, "")
        assert result.stdout.startswith(starts)
    assert list(tmp_path.iterdir()) == [], "no file named '-'"
    shown = " ".join(cli("export", "--help").stdout.split())
    assert "'-' for stdout" in shown


@pytest.mark.parametrize(("args", "ids"), [
    (("stats", "stat.meth-seizures-2020"), ["stat.meth-seizures-2020"]),
    (("stats", "Seizures"), ["stat.fentanyl-pills-2020", "stat.fentanyl-powder-2020",
                             "stat.meth-seizures-2020", "stat.heroin-seizures-2020"]),
    (("stats", "drug", "seizures"), None),
    (("timeline", "nafta"), ["event.nafta"]),
    (("myths", "merida"), ["myth.us-dictates-merida"]),
    (("timeline", "EVENT.NAFTA"), ["event.nafta"]),
    (("pillars", "community"), ["pillar.community-engagement"]),
    (("cooperation", "intelligence"), ["area.intelligence-sharing"]),
    (("actions", "action.stay-informed"), ["action.stay-informed"]),
    (("sources", "pew"), ["source.pew-research-center"]),
])
def test_every_listing_takes_an_id_or_words_the_same_way(
        cli: Callable[..., Run], args: tuple[str, ...], ids: list[str] | None) -> None:
    command, *query = args
    if command == "stats":
        query = [" ".join(query)]
    document = cli(command, *query, "--json").json()
    found = [item["id"] for item in document["items"]]
    assert found == ids if ids is not None else found


def test_a_listing_query_that_matches_nothing_says_so(cli: Callable[..., Run]) -> None:
    result = cli("outlook", "zebra")
    assert result.exit_code == 1
    assert result.stderr.startswith("binatsec: nothing in outlook matches 'zebra'")


@pytest.mark.parametrize(("words", "offered"), [
    ("faq faq.m", {"faq.merida-initiative", "faq.merida-funding"}),
    ("faq meri", {"merida-initiative", "merida-funding"}),
    ("stats sei", {"seizures"}),
    ("stats stat.meth", {"stat.meth-seizures-2020"}),
    ("timeline --from 199", {"1994"}),
    ("search --section my", {"myths"}),
    ("outlook trend.tech", {"trend.technology"}),
    ("export --format m", {"markdown", "md"}),
    ("export -f md -s c", {"cooperation", "criticisms"}),  # sections the format can write
    ("export -s c", {"categories", "cooperation", "criticisms"}),
])
def test_completion_offers_whole_ids_years_sections_and_formats(
        words: str, offered: set[str], tmp_path: Path) -> None:
    import subprocess
    import sys

    script = Path(sys.executable).parent / "binatsec"
    env = {**os.environ, "COMP_WORDS": f"binatsec {words}",
           "COMP_CWORD": str(len(words.split())), "_BINATSEC_COMPLETE": "complete_bash"}
    env.pop("BINATSEC_CONTENT_DIR", None)
    done = subprocess.run([str(script)], capture_output=True, text=True, env=env, check=False)
    assert set(done.stdout.split()) == offered, done.stderr


def test_completion_offers_the_ids_of_your_own_content(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "faq.toml").write_text('[[faq]]\nid = "faq.mine"\nquestion.en = "Q?"\n'
                                       'answer.en = "A."\n', encoding="utf-8")
    script = Path(sys.executable).parent / "binatsec"
    env = {**os.environ, "COMP_WORDS": f"binatsec --content-dir {tmp_path} faq faq.mi",
           "COMP_CWORD": "4", "_BINATSEC_COMPLETE": "complete_bash"}
    done = subprocess.run([str(script)], capture_output=True, text=True, env=env, check=False)
    assert done.stdout.split() == ["faq.mine"]


def test_export_output_keeps_modes_links_and_special_files(cli: Callable[..., Run],
                                                           tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o644)
    assert cli("export", "-f", "md", "-o", str(target)).exit_code == 0
    assert target.stat().st_mode & 0o777 == 0o644  # not the temporary file's 0600
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert cli("export", "-o", str(link)).exit_code == 0
    assert link.is_symlink() and target.read_text(encoding="utf-8").startswith("{")
    assert cli("export", "-o", os.devnull).exit_code == 0
    assert Path(os.devnull).is_char_device()
