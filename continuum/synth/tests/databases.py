"""Fresh, empty databases for tests that run the real command line in subprocesses: SQLite files
in a temporary folder, or, when the suite runs on PostgreSQL, new databases on the same server."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection


@contextmanager
def empty_database(tmp_path: Path, label: str) -> Iterator[dict[str, str]]:
    """The environment of a `continuum` subprocess that uses a new, empty database."""
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


def run_continuum(env: dict[str, str], *command: str, timeout: int = 300) -> str:
    """`python -m continuum <command>` in that environment; its output (fails on an error)."""
    done = subprocess.run(
        [sys.executable, "-m", "continuum", *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout
