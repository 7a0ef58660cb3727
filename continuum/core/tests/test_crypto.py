import os
import stat

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import CommandError, call_command

from continuum.core import crypto
from continuum.core.crypto import EncryptedTextField, decrypt, encrypt, encrypted_fields, reset_keys
from continuum.people.models import Person


@pytest.fixture
def keys_from(tmp_path, monkeypatch, settings):
    """Keys from a temporary key file (or the environment); the real configuration comes back after."""
    monkeypatch.delenv(crypto.ENV_KEYS, raising=False)
    monkeypatch.delenv(crypto.ENV_KEYS_FILE, raising=False)
    reset_keys()

    def use_file(*keys, text=None):
        path = tmp_path / "keys"
        path.write_text(text if text is not None else "".join(f"{k}\n" for k in keys))
        settings.FIELD_KEYS_FILE = path
        reset_keys()
        return path

    def use_env(*keys):
        monkeypatch.setenv(crypto.ENV_KEYS, ",".join(keys))
        settings.FIELD_KEYS_FILE = None
        reset_keys()

    use_file.env = use_env
    yield use_file
    reset_keys()


def key():
    return Fernet.generate_key().decode()


def test_it_round_trips_text(keys_from):
    keys_from(key())
    value = encrypt("Motel 6, room 12 — señal débil")
    assert value.startswith("enc:v1:")
    assert "Motel" not in value
    assert decrypt(value) == "Motel 6, room 12 — señal débil"
    assert encrypt("same") != encrypt("same")


def test_it_refuses_a_value_without_the_prefix(keys_from):
    keys_from(key())
    token = encrypt("x").removeprefix("enc:v1:")
    for value in ("plain text", token, ""):
        with pytest.raises(ValueError):
            decrypt(value)


def test_it_refuses_a_tampered_token(keys_from):
    keys_from(key())
    value = encrypt("where she is now")
    middle = len(value) // 2
    tampered = value[:middle] + ("A" if value[middle] != "A" else "B") + value[middle + 1 :]
    with pytest.raises(ValueError):
        decrypt(tampered)


def test_it_refuses_a_token_under_an_unknown_key(keys_from):
    keys_from(key())
    foreign = "enc:v1:" + Fernet(key()).encrypt(b"x").decode()
    with pytest.raises(crypto.CiphertextError):
        decrypt(foreign)


def test_keys_come_from_the_environment_newest_first(keys_from):
    new, old = key(), key()
    keys_from.env(new, old)
    assert crypto.key_source() is None
    under_old = "enc:v1:" + Fernet(old).encrypt(b"old").decode()
    assert decrypt(under_old) == "old"
    assert Fernet(new).decrypt(encrypt("new").removeprefix("enc:v1:").encode()) == b"new"


def test_keys_come_from_a_file_newest_first_comments_ignored(keys_from):
    new, old = key(), key()
    path = keys_from(text=f"# rotated on a Tuesday\n\n{new}\n  # old one below\n{old}\n")
    assert crypto.key_source() == path
    assert crypto.key_count() == 2
    assert Fernet(new).decrypt(encrypt("x").removeprefix("enc:v1:").encode()) == b"x"
    assert decrypt("enc:v1:" + Fernet(old).encrypt(b"y").decode()) == "y"


def test_the_file_named_by_the_environment_is_not_combined_with_keys_in_it(keys_from, monkeypatch):
    path = keys_from(key())
    monkeypatch.setenv(crypto.ENV_KEYS, key())
    monkeypatch.setenv(crypto.ENV_KEYS_FILE, str(path))
    reset_keys()
    with pytest.raises(ImproperlyConfigured, match="not both"):
        encrypt("x")


def test_a_bad_key_stops_without_showing_it(keys_from):
    good = key()
    keys_from(good, "not-a-key-SECRETISH")
    with pytest.raises(ImproperlyConfigured) as raised:
        encrypt("x")
    assert "key 2" in str(raised.value)
    assert "SECRETISH" not in str(raised.value)
    assert good not in str(raised.value)


def test_an_empty_key_file_stops(keys_from):
    keys_from(text="# nothing yet\n")
    with pytest.raises(ImproperlyConfigured):
        encrypt("x")


def test_production_without_keys_refuses(keys_from, settings):
    settings.PRODUCTION = True
    settings.FIELD_KEYS_FILE = None
    reset_keys()
    with pytest.raises(ImproperlyConfigured, match="No field encryption keys"):
        encrypt("x")
    with pytest.raises(ImproperlyConfigured):
        decrypt("enc:v1:abc")


def test_production_never_makes_up_a_key_file(keys_from, settings, tmp_path):
    settings.PRODUCTION = True
    settings.VAR_DIR = tmp_path
    settings.FIELD_KEYS_FILE = tmp_path / "field-keys"
    reset_keys()
    with pytest.raises(ImproperlyConfigured):
        encrypt("x")
    assert not (tmp_path / "field-keys").exists()


def test_development_makes_a_private_key_file_once(keys_from, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.FIELD_KEYS_FILE = tmp_path / "var" / "field-keys"
    reset_keys()
    value = encrypt("x")
    path = tmp_path / "var" / "field-keys"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert crypto.key_count() == 1
    reset_keys()
    assert decrypt(value) == "x"
    assert [p.name for p in path.parent.iterdir()] == ["field-keys"]


def test_a_rewritten_key_file_is_noticed_without_a_restart(keys_from):
    first, second = key(), key()
    path = keys_from(first)
    before = encrypt("before")
    crypto.write_key_file(path, [second, first])
    after = encrypt("after")
    assert Fernet(second).decrypt(after.removeprefix("enc:v1:").encode()) == b"after"
    assert decrypt(before) == "before"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_searching_an_encrypted_field_is_refused():
    for lookup in ("icontains", "startswith", "in", "gt", "regex", "lower"):
        with pytest.raises(FieldError, match="encrypted"):
            Person.objects.filter(**{f"current_location__{lookup}": "x"})
    with pytest.raises(FieldError, match="encrypted"):
        Person.objects.filter(current_location="Hartford")
    # Only "is it recorded?" can be asked.
    Person.objects.filter(current_location="")
    Person.objects.exclude(health_notes="")
    Person.objects.filter(immigration_status__isnull=True)


def test_the_field_deconstructs_for_migrations():
    field = EncryptedTextField(blank=True, default="")
    _name, path, args, kwargs = field.deconstruct()
    assert path == "continuum.core.crypto.EncryptedTextField"
    assert kwargs == {"blank": True, "default": ""}
    assert EncryptedTextField(*args, **kwargs).encrypted is True


def test_empty_values_are_stored_as_they_are():
    field = EncryptedTextField(blank=True, default="")
    assert field.get_prep_value("") == ""
    assert field.get_prep_value(None) is None
    assert field.from_db_value("", None, None) == ""
    assert field.from_db_value(None, None, None) is None


def test_the_sensitive_person_fields_are_encrypted_and_privileged():
    from continuum.core.sensitivity import Sensitivity, sensitivity_of

    found = {(model._meta.label, name) for model, name in encrypted_fields()}
    expected = {"current_location", "immigration_status", "health_notes"}
    assert {("people.Person", name) for name in expected} <= found
    for name in expected:
        assert sensitivity_of(Person, name) == Sensitivity.PRIVILEGED


def test_rotate_refuses_to_rewrite_keys_from_the_environment(keys_from):
    keys_from.env(key())
    with pytest.raises(CommandError, match="--reencrypt-only"):
        call_command("keys", "rotate")
    with pytest.raises(CommandError, match="remove the"):
        call_command("keys", "retire")
