"""What a release promises: one version everywhere, the license, the changelog, and a man
page that is the one the command tree writes."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

from binatsec import __version__
from conftest import Run

if sys.version_info >= (3, 11):
    import tomllib
else:  # binatsec depends on tomli there
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
CHANGELOG = ROOT / "CHANGELOG.md"
# Keep a Changelog's release headings: "## [0.2.0] - 2026-12-04".
RELEASE = re.compile(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", re.MULTILINE)


def test_the_version_is_written_once_and_read_everywhere(cli: Callable[..., Run]) -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"]
    assert project["project"]["dynamic"] == ["version"]
    assert project["tool"]["hatch"]["version"]["path"] == "src/binatsec/__init__.py"
    assert cli("--version").stdout == f"binatsec {__version__}\n"
    assert cli("stats", "seizures", "--json").json()["binatsec_version"] == __version__


def test_the_changelog_leads_with_unreleased_then_this_version() -> None:
    text = CHANGELOG.read_text(encoding="utf-8")
    assert text.startswith("# Changelog\n")
    assert "Keep a Changelog" in text and "Semantic Versioning" in text
    assert text.index("## [Unreleased]") < text.index(f"## [{__version__}]")
    releases = RELEASE.findall(text)
    assert releases[0][0] == __version__, "the newest release in CHANGELOG.md is not this version"
    assert [version for version, _ in releases] == sorted(
        (version for version, _ in releases),
        key=lambda v: tuple(map(int, v.split("."))), reverse=True)
    assert ("0.1.0", "2026-11-28") in releases
    # Script writers find the JSON contract's breaking change where they look for it.
    assert "schema_version" in text and "2.0" in text


def test_the_license_is_the_one_pyproject_names() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")


def test_the_shipped_man_page_is_the_one_the_command_tree_writes(
        cli: Callable[..., Run]) -> None:
    """man/binatsec.1 ships in the wheel (share/man/man1); it is generated, never edited:
    after a change to the commands, regenerate it with `binatsec man > man/binatsec.1`."""
    shipped = (ROOT / "man" / "binatsec.1").read_text(encoding="utf-8")
    assert shipped == cli("man").stdout, "man/binatsec.1 is stale: binatsec man > man/binatsec.1"
