"""The wheel holds every module of client/, core/, sdk/ and plugins/, and `bazaar --help` runs from it;
the client's own distribution (client/pyproject.toml) holds the client and nothing of the server.

setup.py maps the top-level folders onto the ``bazaar`` namespace; a folder that is not a
package, or a file the mapping misses, would install a broken Bazaar. Building takes a few
seconds, so the test is marked slow, but it runs in the default suite.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROOTS = {"client": "bazaar/client", "core": "bazaar/core", "sdk": "bazaar/sdk", "plugins": "bazaar/plugins"}
DATA_SUFFIXES = (".html", ".toml", ".json")
SKIP_DIRS = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}


def source_files() -> dict[str, Path]:
    """Wheel path -> source file, for every module and data file under the mapped folders."""
    wanted: dict[str, Path] = {}
    for folder, target in ROOTS.items():
        base = ROOT / folder
        if not base.is_dir():
            continue
        for path in base.rglob("*"):
            if any(part in SKIP_DIRS or part.endswith(".egg-info") for part in path.relative_to(base).parts):
                continue
            if path.is_file() and (path.suffix == ".py" or path.suffix in DATA_SUFFIXES):
                wanted[f"{target}/{path.relative_to(base).as_posix()}"] = path
    return wanted


def source_packages() -> set[str]:
    """Dotted names of the packages in the source tree (folders with an ``__init__.py``)."""
    names = set()
    for wheel_path in source_files():
        if wheel_path.endswith("/__init__.py"):
            names.add(wheel_path.rsplit("/", 1)[0].replace("/", "."))
    return names


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel from a clean copy of the project (the working tree stays untouched)."""
    work = tmp_path_factory.mktemp("build")
    src = work / "src"
    src.mkdir()
    for name in ("setup.py", "pyproject.toml", "README.md", "MANIFEST.in", "LICENSE"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, src / name)
    ignore = shutil.ignore_patterns(*SKIP_DIRS, "*.egg-info", "*.pyc")
    for folder in ROOTS:
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, src / folder, ignore=ignore)
    dist = work / "dist"
    done = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(src)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (built,) = dist.glob("bazaar-*.whl")
    return built


@pytest.mark.slow
def test_wheel_contains_every_package_and_module(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = source_files()
    assert any(p.startswith("bazaar/core/kernel/") for p in expected), "the walk found the kernel"
    missing = sorted(p for p in expected if p not in names)
    assert missing == [], f"missing from the wheel: {missing}"
    for package in sorted(source_packages()):
        assert f"{package.replace('.', '/')}/__init__.py" in names
    assert not [n for n in names if n.startswith(("tests/", "bench/", "examples/", "docs/"))]
    assert not [n for n in names if "__pycache__" in n]


@pytest.mark.slow
def test_wheel_declares_the_command_and_the_test_kit(wheel):
    archive = zipfile.ZipFile(wheel)
    (entry_points,) = [n for n in archive.namelist() if n.endswith(".dist-info/entry_points.txt")]
    text = archive.read(entry_points).decode()
    assert "bazaar = bazaar.core.cli:main" in text
    assert "[pytest11]" in text and "bazaar.sdk.testing.pytest_plugin" in text


@pytest.mark.slow
def test_bazaar_help_runs_from_the_installed_wheel(wheel, tmp_path):
    target = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    script = (
        "import sys\n"
        "from bazaar.core.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit as exc:\n"
        "    status = exc.code or 0\n"
        "else:\n"
        "    status = 0\n"
        "target = sys.argv[1]\n"
        "loaded = [m for m in list(sys.modules.values()) if m.__name__.startswith('bazaar.') and getattr(m, '__file__', None)]\n"
        "outside = [m.__name__ for m in loaded if not m.__file__.startswith(target)]\n"
        "print('LOADED', len(loaded), 'OUTSIDE', outside)\n"
        "sys.exit(status)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAZAAR_")}
    env["PYTHONPATH"] = str(target)
    run = subprocess.run(
        [sys.executable, "-c", script, str(target)], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert "usage: bazaar" in run.stdout
    for command in ("serve", "worker", "migrate", "plugins", "config"):
        assert command in run.stdout
    assert "OUTSIDE []" in run.stdout, "every bazaar module must load from the wheel: " + run.stdout[-500:]


@pytest.mark.slow
def test_the_client_installs_alone_and_runs_without_the_server(tmp_path):
    """``pip install ./client``: only ``bazaar/client``; importing it from there loads no server module."""
    src = tmp_path / "client"
    shutil.copytree(ROOT / "client", src, ignore=shutil.ignore_patterns(*SKIP_DIRS, "*.egg-info", "build"))
    dist = tmp_path / "dist"
    done = subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(src)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (built,) = dist.glob("bazaar_client-*.whl")
    names = zipfile.ZipFile(built).namelist()
    assert {n for n in names if not n.startswith("bazaar_client-")} == {
        "bazaar/client/__init__.py", "bazaar/client/schemas.py", "bazaar/client/py.typed"}
    metadata = zipfile.ZipFile(built).read(next(n for n in names if n.endswith("/METADATA"))).decode()
    requires = sorted(line.split(":", 1)[1].strip().split(">")[0] for line in metadata.splitlines()
                      if line.startswith("Requires-Dist:"))
    assert requires == ["httpx", "msgspec"]
    target = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--target", str(target), str(built)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    script = (
        "import sys\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "import bazaar.client\n"
        "assert bazaar.client.__file__.startswith(sys.argv[1]), bazaar.client.__file__\n"
        "server = sorted(m for m in sys.modules if m.startswith(('bazaar.core', 'bazaar.sdk', 'litestar', 'piccolo')))\n"
        "print('SERVER', server)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAZAAR_")}
    run = subprocess.run([sys.executable, "-c", script, str(target)], capture_output=True, text=True, env=env,
                         cwd=tmp_path, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "SERVER []" in run.stdout, run.stdout
