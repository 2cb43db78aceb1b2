"""End to end: the installed console script in a subprocess, and the wheel in a fresh venv."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _script(bindir: Path) -> Path:
    name = "binatsec.exe" if os.name == "nt" else "binatsec"
    return bindir / name


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("BINATSEC_CONTENT_DIR", "FORCE_COLOR", "NO_COLOR")}
    env.update(extra)
    return env


def run(args: list[str], cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, encoding="utf-8", cwd=cwd,
                          env=_env(**env), timeout=60, check=False)


@pytest.fixture(scope="module")
def binatsec() -> Path:
    script = _script(Path(sys.executable).parent)
    if not script.exists():
        found = shutil.which("binatsec")
        if found is None:
            pytest.skip("the binatsec console script is not installed")
        script = Path(found)
    return script


def test_console_script_version(binatsec: Path) -> None:
    result = run([str(binatsec), "--version"])
    assert result.returncode == 0
    assert result.stdout.startswith("binatsec ")
    assert result.stderr == ""


def test_python_dash_m(tmp_path: Path) -> None:
    result = run([sys.executable, "-m", "binatsec", "stats", "violence", "--json"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["items"][0]["id"] == "stat.drug-killings-peak-2017"
    assert doc["items"][0]["value"] == 29000


def test_piped_output_is_plain_text(binatsec: Path) -> None:
    result = run([str(binatsec), "stats", "seizures"], TERM="xterm-256color")
    assert result.returncode == 0
    assert "\x1b" not in result.stdout
    assert "stat.meth-seizures-2020" in result.stdout


def test_pipe_into_head_prints_no_error(binatsec: Path) -> None:
    pipeline = f"'{binatsec}' export --format markdown | head -n 1"
    result = subprocess.run(["sh", "-c", pipeline], capture_output=True, text=True,
                            env=_env(), timeout=60, check=False)
    assert result.stdout.startswith("# ")
    assert result.stderr == ""


@pytest.mark.parametrize("size", ["bundled", "large"])
def test_an_export_piped_into_head_ends_quietly_with_0(binatsec: Path, tmp_path: Path,
                                                       size: str) -> None:
    """JSON is written as it is made; the reader leaving mid-way (| head) is no failure,
    and a forked writer of the second half (a large export) does not outlive it."""
    env = _env()
    if size == "large":
        # Past forked.RECORDS_TO_SPLIT: the FAQ copied 2,000 times, each copy its own ids.
        rows = "".join(f'[[faq]]\nid = "faq.copy-{n}"\nquestion.en = "Question {n}?"\n'
                       f'answer.en = "Answer {n}."\n' for n in range(25_000))
        (tmp_path / "faq.toml").write_text(rows, encoding="utf-8")
        env["BINATSEC_CONTENT_DIR"] = str(tmp_path)
    pipeline = (f"'{binatsec}' export | head -n 2; echo \"exit ${{PIPESTATUS[0]}}\"; "
                f"sleep 0.5; pgrep -f '{binatsec} expor[t]' || echo gone")
    result = subprocess.run(["bash", "-c", pipeline], capture_output=True, text=True,
                            env=env, timeout=120, check=False)
    assert result.stdout.splitlines()[1:] == ['  "schema_version": "3.0",', "exit 0", "gone"]
    assert result.stderr == ""


def test_an_export_to_dev_stdout_reaches_a_pipe(binatsec: Path) -> None:
    """--output /dev/stdout with stdout a pipe: the link opens the pipe (resolved, it names
    "pipe:[N]", which opens nothing)."""
    pipeline = f"'{binatsec}' export --format csv --output /dev/stdout | cat"
    result = subprocess.run(["sh", "-c", pipeline], capture_output=True, text=True,
                            env=_env(), timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("id,") and "stat.meth-seizures-2020" in result.stdout


def test_usage_error_and_nothing_found_exit_codes(binatsec: Path) -> None:
    unknown = run([str(binatsec), "pillars", "9"])
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("binatsec: error:")
    assert len(unknown.stderr.splitlines()) == 1
    nothing = run([str(binatsec), "search", "xylophone"])
    assert nothing.returncode == 1
    assert nothing.stderr == "binatsec: nothing matches 'xylophone'\n"


@pytest.mark.slow
def test_wheel_from_sdist_in_fresh_venv_carries_the_content(tmp_path: Path,
                                                          package_index: None) -> None:
    """Build the sdist, a wheel from it, install that into a new venv, run it elsewhere."""
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--sdist", "--outdir", str(dist), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    sdist = next(dist.glob("binatsec-*.tar.gz"))
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
    assert any(name.endswith("content/stats.toml") for name in names)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w",
                    str(dist), str(sdist)], check=True, capture_output=True, timeout=300)
    wheel = next(dist.glob("binatsec-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        inside = archive.namelist()
        metadata = archive.read(next(n for n in inside if n.endswith(".dist-info/METADATA")))
    # What a packager checks: content, schemas, the man page and the license all ship.
    for wanted in ("binatsec/content/stats.toml", "binatsec/schemas/faq.schema.json",
                   "data/share/man/man1/binatsec.1", ".dist-info/licenses/LICENSE"):
        assert any(name.endswith(wanted) for name in inside), wanted
    assert b"\nLicense-Expression: MIT\n" in metadata
    assert b"\nLicense-File: LICENSE\n" in metadata

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    subprocess.run([str(bindir / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script = str(_script(bindir))

    where = run([str(bindir / "python"), "-c",
                 "from binatsec.corpus.resources import bundled_content; print(bundled_content())"],
                cwd=elsewhere)
    assert "site-packages" in where.stdout, where.stdout + where.stderr

    stats = run([script, "stats", "seizures", "--json"], cwd=elsewhere)
    assert stats.returncode == 0, stats.stderr
    values = {item["id"]: item["value"] for item in json.loads(stats.stdout)["items"]}
    assert values["stat.meth-seizures-2020"] == 10000

    for args in (["faq", "merida"], ["myths"], ["timeline"], ["pillars"], ["lint"]):
        result = run([script, *args], cwd=elsewhere)
        assert result.returncode == 0, (args, result.stderr)
        assert result.stdout.strip()

    # man finds the page from the environment's PATH (<venv>/bin -> <venv>/share/man).
    page = env_dir / "share" / "man" / "man1" / "binatsec.1"
    assert page.read_text(encoding="utf-8") == run([script, "man"]).stdout
    if shutil.which("man"):
        found = run(["man", "-w", "binatsec"], PATH=f"{bindir}{os.pathsep}/usr/bin:/bin",
                    MANPATH="")
        assert Path(found.stdout.strip()).resolve() == page.resolve(), found.stderr
