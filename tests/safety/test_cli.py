"""Issue 10, item 20: every ``bazaar`` command fails with one clear line and a non-zero status,
no traceback (``bazaar -v`` shows it). Real subprocesses, as an operator runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bazaar.core.users import policy

pytestmark = pytest.mark.bazaar_engines("sqlite")


def _env(tmp_path: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("BAZAAR_")}
    return {**base, "BAZAAR_DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite3", "BAZAAR_FILES_DIR": str(tmp_path / "files"),
            "BAZAAR_SECURITY__ENCRYPTION_KEYS": f'{{k1 = "{Fernet.generate_key().decode()}"}}',
            "BAZAAR_SECURITY__ACTIVE_KEY_ID": "k1"}


def bazaar(tmp_path: Path, *args: str, stdin: int | None = subprocess.DEVNULL, text_in: str | None = None,
           stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    """``bazaar`` in a new session: no controlling terminal, as under cron or a deploy script."""
    return subprocess.run([sys.executable, "-m", "bazaar.core.cli", *args], env=_env(tmp_path), cwd=tmp_path,
                          stdin=None if text_in is not None else stdin, input=text_in, stdout=stdout,
                          stderr=subprocess.PIPE, text=True, timeout=60, start_new_session=True)


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode != 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("bazaar: "), done.stderr
    return lines[0]


def test_payout_with_no_payments_plugin_is_one_line(tmp_path):
    line = one_line(bazaar(tmp_path, "payments", "payout"))
    assert "payments.not_enabled" in line  # was a NotFound traceback


def test_create_operator_without_a_terminal_says_how_to_give_the_password(tmp_path):
    line = one_line(bazaar(tmp_path, "users", "create-operator", "--email", "root@example.com"))
    assert "password_required" in line and "--password-stdin" in line  # was an EOFError traceback


def test_an_empty_password_on_stdin_is_refused_as_weak(tmp_path):
    done = bazaar(tmp_path, "users", "create-operator", "--email", "root@example.com", "--password-stdin", text_in="\n")
    assert "weak_password" in one_line(done)  # was an IndexError inside zxcvbn


def test_an_empty_password_is_too_short_not_a_crash():
    assert policy.password_problems("", email="a@example.com", min_length=10) == ["must be at least 10 characters"]


def test_plugins_into_a_closed_pipe_is_one_line(tmp_path):
    read, write = os.pipe()
    os.close(read)  # the reader is gone before a byte is written (``bazaar plugins --json | head``)
    try:
        done = bazaar(tmp_path, "plugins", "--json", stdout=write)
    finally:
        os.close(write)
    assert "broken pipe" in one_line(done) and done.returncode == 141


def test_verbose_shows_the_traceback(tmp_path):
    done = bazaar(tmp_path, "-v", "payments", "payout")
    assert done.returncode != 0 and "Traceback" in done.stderr and "payments.not_enabled" not in done.stdout


def test_an_unreachable_database_is_one_line(tmp_path):
    env_url = "postgresql://nobody@127.0.0.1:1/nowhere"  # nothing listens on port 1
    done = subprocess.run([sys.executable, "-m", "bazaar.core.cli", "migrate"],
                          env={**_env(tmp_path), "BAZAAR_DATABASE_URL": env_url}, cwd=tmp_path,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert "ConnectionRefusedError" in one_line(done)  # Piccolo's own warning is not repeated
