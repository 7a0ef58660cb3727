"""The sequencer seals appended rows into the keyed chain and writes signed checkpoints outside the
database; the key comes from outside the database too."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest

from continuum.audit import checkpoints, keys, sequencer
from continuum.audit.chain import row_values, seal_mac
from continuum.audit.log import record
from continuum.audit.models import GENESIS_MAC, AuditEvent, AuditSeal
from continuum.audit.verify import verify_chain


def _rows(n: int) -> list[AuditEvent]:
    return [record(actor=None, action="view", object_type="cases.Case", object_id=str(i)) for i in range(n)]


@pytest.mark.django_db
def test_it_seals_each_new_row_at_the_next_position_after_the_previous_seal():
    sequencer.seal()
    start = AuditSeal.objects.count()
    rows = _rows(3)

    run = sequencer.seal()

    assert run.sealed == 3 and run.position == start + 3
    seals = [AuditSeal.objects.get(event_id=row.id) for row in rows]
    assert [s.position for s in seals] == [start + 1, start + 2, start + 3]
    previous = AuditSeal.objects.filter(position=start).values_list("mac", flat=True).first() or GENESIS_MAC
    for seal in seals:
        assert seal.prev_mac == previous
        event = AuditEvent.objects.get(id=seal.event_id)
        assert seal.mac == seal_mac(
            keys.audit_keys().seal, position=seal.position, prev_mac=previous, values=row_values(event)
        )
        previous = seal.mac
    assert sequencer.seal().sealed == 0


@pytest.mark.django_db
def test_the_first_seal_follows_the_genesis_mac():
    if AuditSeal.objects.exists():
        pytest.skip("the chain already holds seals")
    first = record(actor=None, action="login_failed", outcome="denied")
    sequencer.seal()
    seal = AuditSeal.objects.get(event_id=first.id)
    assert seal.position == 1
    assert seal.prev_mac == "0" * 64


@pytest.mark.django_db
def test_it_seals_in_batches_without_a_gap():
    rows = _rows(7)
    run = sequencer.seal(batch_size=3)
    assert run.sealed >= 7
    positions = list(AuditSeal.objects.order_by("position").values_list("position", flat=True))
    assert positions == list(range(1, len(positions) + 1))
    assert set(AuditSeal.objects.values_list("event_id", flat=True)) >= {row.id for row in rows}
    assert verify_chain().intact


@pytest.mark.django_db
def test_a_checkpoint_seals_up_to_now_and_appends_one_signed_line_outside_the_database(checkpoint_dir):
    rows = _rows(4)

    cp = sequencer.checkpoint()

    last = AuditSeal.objects.order_by("-position").first()
    assert last is not None and last.event_id == rows[-1].id
    assert (cp.position, cp.event_id, cp.mac, cp.rows) == (
        last.position,
        rows[-1].id,
        last.mac,
        last.position,
    )
    assert cp.key_id == keys.audit_keys().key_id
    lines = (checkpoint_dir / checkpoints.FILE_NAME).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    stored = json.loads(lines[0])
    assert stored["position"] == cp.position and stored["mac"] == cp.mac
    assert stored["signature"] == checkpoints.sign(cp)

    second = sequencer.seal_and_checkpoint()
    assert second.prev_signature == stored["signature"]
    assert len(checkpoints.read_all()) == 2
    assert all(s.valid for s in checkpoints.read_all())


@pytest.mark.django_db
def test_the_command_line_seals_checkpoints_and_verifies(capsys):
    from django.core.management import call_command

    _rows(2)
    call_command("audit", "seal")
    assert "sealed 2 rows" in capsys.readouterr().out
    call_command("audit", "checkpoint")
    assert "checkpoint written to" in capsys.readouterr().out
    call_command("audit", "verify")
    assert "1 checkpoint(s) agree" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_development_key_is_made_once_under_the_var_folder_and_kept_private(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.AUDIT_KEY_FILE = tmp_path / keys.DEFAULT_KEY_FILE_NAME
    keys.reset_key()
    first = keys.audit_keys()
    mode = stat.S_IMODE(os.stat(settings.AUDIT_KEY_FILE).st_mode)
    keys.reset_key()
    assert keys.audit_keys() == first
    assert mode == 0o600

    settings.VAR_DIR = tmp_path / "elsewhere"
    settings.AUDIT_KEY_FILE = settings.VAR_DIR / keys.DEFAULT_KEY_FILE_NAME
    keys.reset_key()
    assert keys.audit_keys().key_id != first.key_id


def _start_in_production(**extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"AUDIT_KEY", "AUDIT_KEY_FILE", "CONTINUUM_DEMO"}}
    env.update(
        {
            "CONTINUUM_ENV": "production",
            "SECRET_KEY": "k" * 64,
            "ALLOWED_HOSTS": "continuum.example",
            "DATABASE_URL": "postgres://localhost/never-connected",
            **extra,
        }
    )
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'continuum.settings'; django.setup()",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_without_an_audit_key_stops_at_start():
    result = _start_in_production()
    assert result.returncode != 0
    assert "No audit chain key" in result.stderr


def test_production_refuses_a_short_audit_key():
    result = _start_in_production(AUDIT_KEY="canary-7731")
    assert result.returncode != 0
    assert "at least 32 characters" in result.stderr
    assert "canary-7731" not in result.stderr


def test_production_starts_with_an_audit_key_file(tmp_path):
    key_file = tmp_path / "audit-key"
    key_file.write_text("p" * 64 + "\n", encoding="utf-8")
    result = _start_in_production(AUDIT_KEY_FILE=str(key_file))
    assert result.returncode == 0, result.stderr
