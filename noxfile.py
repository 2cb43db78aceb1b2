"""What CI runs (.ci/run calls `nox`): the README's test command on every Python binatsec
claims, the tests again with every dependency at its lowest supported version, and what a
packager checks (sdist, wheel, twine, pipx).

Interpreters are found on PATH, or among pyenv's versions where a pyenv is set up; a
missing one is skipped with the reason printed, except the one running nox, which is
always there.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import nox

ROOT = Path(__file__).parent
PYTHONS = ("3.10", "3.11", "3.12", "3.13")
DEFAULT = f"{sys.version_info.major}.{sys.version_info.minor}"
TEST_COMMAND = ("python", "-m", "pytest")  # the README's test command


def _pytest(session: nox.Session, *args: str) -> None:
    """The test command, with temporary folders of the session's own: .ci/run runs two
    sessions at a time, and they must not share pytest's numbered folders."""
    basetemp = Path(session.create_tmp()) / "pytest"
    session.run(*TEST_COMMAND, f"--basetemp={basetemp}", *args, *session.posargs)

nox.options.sessions = ["tests", "lowest", "package"]
nox.options.error_on_missing_interpreters = False
# uv makes the environments in a fraction of pip's time; plain virtualenv where it is
# missing. Either way pip is in them: the end-to-end tests build wheels with it.
nox.options.default_venv_backend = "uv|virtualenv"
WITH_PIP = ["--seed"] if shutil.which("uv") else []


def _add_pyenv_versions() -> None:
    """Put pyenv's interpreters on PATH, newest patch first, so `python3.X` finds them
    although only one of them is pyenv's global version."""
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    found = []
    for version in PYTHONS:
        candidates = sorted(root.glob(f"{version}.*/bin/python{version}"), reverse=True)
        if candidates:
            found.append(str(candidates[0].parent))
    if found:
        os.environ["PATH"] = os.pathsep.join([*found, os.environ.get("PATH", "")])


_add_pyenv_versions()


def _lowest_requirements() -> list[str]:
    """Each runtime dependency pinned to the lower bound pyproject.toml states."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pinned = []
    for requirement in project["dependencies"]:
        spec, _, marker = requirement.partition(";")
        name, _, bounds = spec.partition(">=")
        lowest = bounds.split(",")[0].strip()
        pinned.append(f"{name.strip()}=={lowest}" + (f"; {marker.strip()}" if marker else ""))
    return pinned


@nox.session(python=PYTHONS, venv_params=WITH_PIP)
def tests(session: nox.Session) -> None:
    """The README's test command in a fresh environment with the test extras; the linters
    too on the default Python."""
    # The default Python also with the `fast` extra: its TOML parser (compiled tomli) is
    # tested there, tomllib on the others (and tomli on 3.10, where it is required).
    session.install("-e", ".[test,fast]" if session.python == DEFAULT else ".[test]")
    if session.python == DEFAULT:
        session.run("ruff", "check", "src", "tests", "benchmarks", "noxfile.py")
        session.run("mypy")
        _pytest(session)
    else:
        # The slow tests (a wheel in a fresh venv, fuzzing, a browser, property tests over
        # subprocesses: a minute of the run) once, on the default Python: with two
        # sessions at a time on two cores, running them on every Python put CI past its
        # 15 minutes. Everything else runs on every Python binatsec claims.
        _pytest(session, "-m", "not slow")


@nox.session(python=DEFAULT, venv_params=WITH_PIP)
def lowest(session: nox.Session) -> None:
    """The tests with every runtime dependency at the lowest version pyproject.toml allows."""
    pins = _lowest_requirements()
    session.log("lowest supported versions: " + ", ".join(pins))
    session.install("-e", ".[test]", *pins)
    _pytest(session, "-m", "not slow")


@nox.session(python=DEFAULT, venv_params=WITH_PIP)
def package(session: nox.Session) -> None:
    """What a packager checks: the sdist and the wheel build; twine finds nothing wrong; the
    sdist installs and passes its own tests; `pipx install .` gives a working binatsec."""
    import tarfile
    import tempfile

    session.install("build", "twine", "pipx")
    dist = Path(session.create_tmp()) / "dist"
    session.run("python", "-m", "build", "--outdir", str(dist), external=False)
    session.run("twine", "check", "--strict", *map(str, sorted(dist.iterdir())))
    sdist = next(dist.glob("binatsec-*.tar.gz"))
    unpacked = Path(tempfile.mkdtemp(prefix="binatsec-sdist-"))
    with tarfile.open(sdist) as archive:
        archive.extractall(unpacked, filter="data")
    source = next(unpacked.iterdir())
    session.install(f"{source}[test]")
    session.chdir(str(source))  # the tests the sdist carries, against the sdist installed
    _pytest(session, "-m", "not slow", "-p", "no:cacheprovider")
    session.chdir(str(ROOT))
    pipx_home = Path(session.create_tmp()) / "pipx"
    env = {"PIPX_HOME": str(pipx_home), "PIPX_BIN_DIR": str(pipx_home / "bin"),
           "PIPX_MAN_DIR": str(pipx_home / "man")}
    session.run("pipx", "install", "--force", str(ROOT), env=env)
    session.run(str(pipx_home / "bin" / "binatsec"), "--version", env=env, external=True)
    session.run(str(pipx_home / "bin" / "binatsec"), "stats", "seizures", "--json", env=env,
                external=True, silent=True)
