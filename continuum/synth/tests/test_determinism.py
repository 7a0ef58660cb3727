"""`continuum synth` twice into two empty databases gives identical data (compared by digest).

Runs the real command line in subprocesses, each against a fresh database: SQLite files in a
temporary folder, or, when the suite runs on PostgreSQL, new databases on the same server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import connection


@contextmanager
def empty_database(tmp_path, label: str) -> Iterator[dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CONTINUUM_DEMO"}}
    env["CONTINUUM_VAR_DIR"] = str(tmp_path / label)
    if connection.vendor != "postgresql":
        yield env
        return
    import psycopg

    db = settings.DATABASES["default"]
    name = f"continuum_synth_{label}_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{name}"
    try:
        yield env
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def synth_digest(env: dict[str, str], *args: str) -> dict[str, str]:
    def run(*command: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "continuum", *command],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    run("migrate", "--verbosity", "0")
    run("synth", *args)
    result: dict[str, str] = json.loads(run("datadigest"))
    return result


@pytest.mark.django_db
def test_the_same_seed_gives_identical_data_in_two_empty_databases(tmp_path):
    with empty_database(tmp_path, "a") as env_a, empty_database(tmp_path, "b") as env_b:
        first = synth_digest(env_a, "--cases", "1000", "--seed", "7")
        second = synth_digest(env_b, "--cases", "1000", "--seed", "7")
        other_seed = synth_digest(env_a, "--reset", "--cases", "1000", "--seed", "8")
    assert first == second
    assert other_seed["all"] != first["all"]
    assert other_seed["cases.Case"] != first["cases.Case"]


@pytest.mark.django_db
def test_synth_refuses_a_database_that_already_has_data(tmp_path):
    with empty_database(tmp_path, "c") as env:
        synth_digest(env, "--cases", "5", "--seed", "1")
        done = subprocess.run(
            [sys.executable, "-m", "continuum", "synth", "--cases", "5"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode != 0
    assert "already has data" in done.stderr
