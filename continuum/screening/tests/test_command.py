"""`continuum screening evaluate` and `list`, including their exit status on bad input."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest
import yaml
from django.core.management import CommandError, call_command

from continuum.screening.tests.answers import answers
from continuum.screening.tests.test_engine import minimal


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("screening", *args, stdout=out)
    return out.getvalue()


def test_it_prints_sorted_indented_json(tmp_path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps(answers(age_at_start=15, sex_exchanged="yes", sex_arranged_by="myself")))
    printed = run("evaluate", str(path))
    data = json.loads(printed)
    assert printed.strip() == json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False)
    assert data["result"] == "trafficking_indicated"


def test_it_evaluates_with_a_draft_instrument_file(tmp_path) -> None:
    draft = tmp_path / "draft.yaml"
    draft.write_text(yaml.safe_dump(minimal()))
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"sold": "yes", "who": "pimp"}))
    data = json.loads(run("evaluate", str(path), "--instrument", str(draft)))
    assert (data["instrument_name"], data["instrument_version"]) == ("draft", "0.1.0")
    assert data["result"] == "not_indicated"
    assert data["follow_up"] is True


def test_it_lists_the_instruments() -> None:
    assert run("list").startswith("default\t1.0.0\ten,es\t")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON"),
        ("[1, 2]", "must hold a JSON object"),
        ('{"age_at_start": "old"}', "question 'age_at_start': answer must be a number"),
        ('{"who_knows": "yes"}', "question 'who_knows' is not in instrument 'default'"),
    ],
)
def test_bad_answers_exit_with_status_2(tmp_path, content, message) -> None:
    path = tmp_path / "a.json"
    path.write_text(content)
    with pytest.raises(CommandError, match=message) as caught:
        run("evaluate", str(path))
    assert caught.value.returncode == 2


def test_a_missing_file_or_a_broken_instrument_exits_with_status_2(tmp_path) -> None:
    with pytest.raises(CommandError, match="cannot read") as caught:
        run("evaluate", str(tmp_path / "absent.json"))
    assert caught.value.returncode == 2
    path = tmp_path / "a.json"
    path.write_text("{}")
    draft = tmp_path / "draft.yaml"
    draft.write_text("name: draft\n")
    with pytest.raises(CommandError, match=r"draft\.yaml: missing 'version'") as caught:
        run("evaluate", str(path), "--instrument", str(draft))
    assert caught.value.returncode == 2


def test_the_console_command_exits_0_and_2(tmp_path) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(answers(age_at_start=34, work_done="yes", work_found_by="found_it_myself")))
    bad = tmp_path / "bad.json"
    bad.write_text('{"sex_exchanged": "perhaps"}')
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "continuum.settings"}
    command = [sys.executable, "-m", "continuum", "screening", "evaluate"]
    ok = subprocess.run([*command, str(good)], capture_output=True, text=True, env=env, check=False)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["result"] == "not_indicated"
    refused = subprocess.run([*command, str(bad)], capture_output=True, text=True, env=env, check=False)
    assert refused.returncode == 2
    assert "question 'sex_exchanged'" in refused.stderr
    assert refused.stdout == ""
