"""SECURITY.md 14: a raw SQL read returns ciphertext; a rotation re-reads every value."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection

from continuum.core import crypto
from continuum.people.models import Person

CANARY = "CANARY-LOCATION-7731"
FIELDS = ("current_location", "immigration_status", "health_notes")

pytestmark = pytest.mark.django_db


def raw(person_id, column):
    pk = Person._meta.pk.get_db_prep_value(person_id, connection)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM people_person WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def raw_all():
    names = ", ".join(FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {names} FROM people_person")
        return {str(row[0]).replace("-", ""): row[1:] for row in cursor.fetchall()}


@pytest.fixture
def temporary_key_file(tmp_path, monkeypatch, settings):
    """The keys in use now, copied to a temporary key file (so the session's stored values still
    decrypt); the original key configuration is back after the test."""
    current = list(crypto._fresh_keyring().keys)
    monkeypatch.delenv(crypto.ENV_KEYS, raising=False)
    monkeypatch.delenv(crypto.ENV_KEYS_FILE, raising=False)
    path = tmp_path / "field-keys"
    crypto.write_key_file(path, current)
    settings.FIELD_KEYS_FILE = path
    crypto.reset_keys()
    yield path
    crypto.reset_keys()


def keys_in(path):
    return crypto._parse_key_file(path.read_text())


def fill_every_person():
    """Every synthetic person gets a value in every encrypted field (through the ORM: encrypted)."""
    people = list(Person.objects.order_by("pk"))
    for index, person in enumerate(people):
        person.current_location = f"shelter {index}"
        person.immigration_status = "T visa applied" if index % 2 else ""
        person.health_notes = f"notes {index}\nline two"
    Person.objects.bulk_update(people, FIELDS, batch_size=200)
    return {str(p.pk).replace("-", ""): tuple(getattr(p, f) for f in FIELDS) for p in people}


def test_the_database_holds_ciphertext_only():
    person = Person(first_name="x", current_location=CANARY)
    person.save()
    stored = raw(person.pk, "current_location")
    assert stored.startswith("enc:v1:")
    assert CANARY not in stored
    assert raw(person.pk, "health_notes") == ""
    assert Person.objects.get(pk=person.pk).current_location == CANARY
    assert Person.objects.values_list("current_location", flat=True).get(pk=person.pk) == CANARY


def test_plaintext_written_around_the_field_is_never_read_as_protected():
    person = Person(first_name="x")
    person.save()
    Person.objects.filter(pk=person.pk).update(first_name="y")
    pk = Person._meta.pk.get_db_prep_value(person.pk, connection)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE people_person SET current_location = %s WHERE id = %s", [CANARY, pk])
    with pytest.raises(ValueError):
        Person.objects.get(pk=person.pk)


def test_rotation_re_encrypts_every_value_of_every_person(temporary_key_file):
    plain = fill_every_person()
    canary = Person(first_name="x", current_location=CANARY)
    canary.save()
    plain[str(canary.pk).replace("-", "")] = (CANARY, "", "")
    assert len(plain) > 100  # the session's synthetic people are all in
    before = raw_all()
    versions = dict(Person.objects.values_list("pk", "version"))
    old_keys = keys_in(temporary_key_file)

    out = io.StringIO()
    call_command("keys", "rotate", "--batch-size", "37", stdout=out)

    keys = keys_in(temporary_key_file)
    assert len(keys) == len(old_keys) + 1 and keys[1:] == old_keys
    newest = Fernet(keys[0])
    after = raw_all()
    assert after.keys() == before.keys()
    rewritten = dict.fromkeys(FIELDS, 0)
    for pk, values in after.items():
        for field, old, new in zip(FIELDS, before[pk], values, strict=True):
            if old == "":
                assert new == ""
                continue
            assert new.startswith("enc:v1:") and new != old
            newest.decrypt(new.removeprefix("enc:v1:").encode())  # the newest key alone reads it
            rewritten[field] += 1
    for field, count in rewritten.items():
        assert f"people.Person.{field}: {count} values re-encrypted" in out.getvalue()
    crypto.reset_keys()
    read_back = {
        str(p.pk).replace("-", ""): tuple(getattr(p, f) for f in FIELDS) for p in Person.objects.all()
    }
    assert read_back == plain
    assert dict(Person.objects.values_list("pk", "version")) == versions
    for key in keys:
        assert key not in out.getvalue()

    # A second run finds nothing left to do.
    assert sum(crypto.rotate().values()) == 0
    assert raw_all() == after

    out = io.StringIO()
    call_command("keys", "retire", stdout=out)
    assert keys_in(temporary_key_file) == keys[:1]
    crypto.reset_keys()
    read_back = {
        str(p.pk).replace("-", ""): tuple(getattr(p, f) for f in FIELDS) for p in Person.objects.all()
    }
    assert read_back == plain


def test_reencrypt_only_moves_values_to_a_key_put_first_by_hand(temporary_key_file):
    person = Person(first_name="x", current_location=CANARY, health_notes="asthma")
    person.save()
    before = raw(person.pk, "current_location")
    new = Fernet.generate_key().decode()
    crypto.write_key_file(temporary_key_file, [new, *keys_in(temporary_key_file)])
    call_command("keys", "rotate", "--reencrypt-only", stdout=io.StringIO())
    after = raw(person.pk, "current_location")
    assert after != before
    assert Fernet(new).decrypt(after.removeprefix("enc:v1:").encode()) == CANARY.encode()
    assert keys_in(temporary_key_file)[0] == new  # no key added


def test_retire_refuses_while_a_value_is_under_an_older_key(temporary_key_file):
    person = Person(first_name="x", current_location=CANARY)
    person.save()  # under the key that is newest now
    crypto.write_key_file(temporary_key_file, [Fernet.generate_key().decode(), *keys_in(temporary_key_file)])
    unchanged = temporary_key_file.read_text()
    with pytest.raises(CommandError, match="rotate --reencrypt-only"):
        call_command("keys", "retire", stdout=io.StringIO())
    assert temporary_key_file.read_text() == unchanged
    crypto.reset_keys()
    assert Person.objects.get(pk=person.pk).current_location == CANARY


def test_status_counts_values_without_showing_a_key(temporary_key_file):
    Person(first_name="x", current_location=CANARY, immigration_status="pending").save()
    crypto.write_key_file(temporary_key_file, [Fernet.generate_key().decode(), *keys_in(temporary_key_file)])
    out = io.StringIO()
    call_command("keys", "status", stdout=out)
    text = out.getvalue()
    assert "people.Person.current_location:" in text
    assert "under an older key" in text
    assert CANARY not in text
    for key in keys_in(temporary_key_file):
        assert key not in text


def test_a_plaintext_value_stops_the_rotation_with_its_place(temporary_key_file):
    person = Person(first_name="x")
    person.save()
    pk = Person._meta.pk.get_db_prep_value(person.pk, connection)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE people_person SET health_notes = %s WHERE id = %s", [CANARY, pk])
    with pytest.raises(CommandError, match=r"people\.Person\.health_notes") as raised:
        call_command("keys", "rotate", "--reencrypt-only", stdout=io.StringIO())
    assert CANARY not in str(raised.value)
