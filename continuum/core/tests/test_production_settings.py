"""Production settings come from the environment and refuse to start without what they need
(`make serve` relies on it): the secret key, from SECRET_KEY or the file SECRET_KEY_FILE names,
and ALLOWED_HOSTS."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PRINT_KEY = "from django.conf import settings; import django; django.setup(); print(settings.SECRET_KEY)"


def _production(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"SECRET_KEY", "SECRET_KEY_FILE", "ALLOWED_HOSTS", "CONTINUUM_DEMO", "DEBUG"}
    }
    env.update(
        {
            "CONTINUUM_ENV": "production",
            "DJANGO_SETTINGS_MODULE": "continuum.settings",
            "CONTINUUM_VAR_DIR": str(tmp_path / "var"),
            "DATABASE_URL": "postgres://localhost/never-connected",
            # Production also refuses to start without the audit chain's key (continuum/audit/keys.py).
            "AUDIT_KEY": "a" * 64,
            **extra,
        }
    )
    return env


def _run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", PRINT_KEY], env=env, capture_output=True, text=True)


def test_the_secret_key_can_come_from_the_file_secret_key_file_names(tmp_path):
    secret = "f" * 40 + "-from-a-file-" + "g" * 20
    key_file = tmp_path / "secret_key"
    key_file.write_text(secret + "\n", encoding="utf-8")
    result = _run(_production(tmp_path, SECRET_KEY_FILE=str(key_file), ALLOWED_HOSTS="continuum.example"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == secret  # the file's content, without its newline
    assert not (tmp_path / "var" / "secret_key").exists()  # no development key made up instead


def test_secret_key_itself_wins_over_the_file(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("f" * 64, encoding="utf-8")
    env = _production(tmp_path, SECRET_KEY="e" * 64, SECRET_KEY_FILE=str(key_file), ALLOWED_HOSTS="x.example")
    assert _run(env).stdout.strip() == "e" * 64


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"ALLOWED_HOSTS": "continuum.example"}, "The environment variable SECRET_KEY is required"),
        ({"SECRET_KEY_FILE": "/nonexistent/secret", "ALLOWED_HOSTS": "x.example"}, "cannot be read"),
        ({"SECRET_KEY": "short", "ALLOWED_HOSTS": "x.example"}, "at least 50 characters"),
        ({"SECRET_KEY": "k" * 64}, "ALLOWED_HOSTS is required in production"),
    ],
)
def test_production_refuses_to_start_without_a_key_or_hosts(tmp_path, extra, message):
    result = _run(_production(tmp_path, **extra))
    assert result.returncode != 0
    assert message in result.stderr
