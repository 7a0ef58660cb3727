"""The audit log's job; it calls the sequencer and holds no logic of its own."""

from __future__ import annotations

from django_tasks import task

from continuum.audit import sequencer


@task()
def audit_checkpoint() -> int:
    """Every five minutes (registered in AuditConfig.ready): seal the rows appended since the last
    run into the keyed chain and write one signed checkpoint, as `continuum audit checkpoint` does.
    Safe to run twice or in two workers at once (the sequencer locks only its own row). Returns the
    chain position the checkpoint covers."""
    return sequencer.seal_and_checkpoint().position
