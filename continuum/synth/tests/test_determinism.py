"""`continuum synth` twice into two empty databases gives identical data (compared by digest).

Runs the real command line in subprocesses, each against a fresh database: SQLite files in a
temporary folder, or, when the suite runs on PostgreSQL, new databases on the same server.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from continuum.synth.tests.databases import empty_database, run_continuum


def synth_digest(env: dict[str, str], *args: str) -> dict[str, str]:
    run_continuum(env, "migrate", "--verbosity", "0")
    run_continuum(env, "synth", *args)
    result: dict[str, str] = json.loads(run_continuum(env, "datadigest"))
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


_AUDIT_ROWS = (
    "from continuum.audit.log import record\n"
    "for i in range(3): record(actor=None, action='view', object_type='cases.Case', object_id=str(i))\n"
)


@pytest.mark.django_db
def test_a_reset_starts_a_new_audit_chain_and_sets_the_old_checkpoints_aside(tmp_path):
    with empty_database(tmp_path, "d") as env:
        synth_digest(env, "--cases", "5", "--seed", "1")
        run_continuum(env, "shell", "-c", _AUDIT_ROWS)
        run_continuum(env, "audit", "checkpoint")
        run_continuum(env, "synth", "--reset", "--cases", "5", "--seed", "1")
        run_continuum(env, "shell", "-c", _AUDIT_ROWS.replace("range(3)", "range(1)"))
        verified = run_continuum(env, "audit", "verify")
        checkpoint_dir = tmp_path / "d" / "audit-checkpoints"
        archived = list(checkpoint_dir.glob("audit-checkpoints.jsonl.*.archived"))
    assert verified.startswith("audit chain intact: 0 rows sealed")
    assert len(archived) == 1
