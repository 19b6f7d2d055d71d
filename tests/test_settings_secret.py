"""The secret key: required when DJANGO_DEBUG is off, except for the management commands that only
read the code (makemigrations --check on a fresh clone), which get a key of their own process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent


def _manage(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY_FILE", "DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE"}}
    return subprocess.run(  # noqa: S603 (our own interpreter and manage.py, fixed arguments)
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
        check=False,
    )


def test_makemigrations_check_runs_on_a_fresh_clone_without_a_key():
    result = _manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


@pytest.mark.parametrize("command", ["check", "migrate"])
def test_a_command_that_serves_or_writes_still_needs_the_key(command):
    result = _manage(command, "--help" if command == "migrate" else "--deploy")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY обязателен" in result.stderr
