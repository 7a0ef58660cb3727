import pytest
from django.core.exceptions import ImproperlyConfigured

from continuum.core.env import env_bool, env_choice, env_int, env_list, env_str


def test_it_reads_typed_values():
    env = {"A": "yes", "B": "42", "C": "a, b,,c", "D": "production"}
    assert env_bool("A", False, environ=env) is True
    assert env_int("B", 0, environ=env) == 42
    assert env_list("C", [], environ=env) == ["a", "b", "c"]
    assert env_choice("D", "development", ("development", "production"), environ=env) == "production"


def test_it_uses_defaults_only_when_unset():
    assert env_bool("MISSING", True, environ={}) is True
    assert env_int("MISSING", 7, environ={}) == 7
    assert env_str("MISSING", "x", environ={}) == "x"


@pytest.mark.parametrize(
    ("reader", "env"),
    [
        (lambda env: env_bool("A", False, environ=env), {"A": "maybe"}),
        (lambda env: env_int("A", 0, environ=env), {"A": "forty"}),
        (lambda env: env_int("A", 0, minimum=1, environ=env), {"A": "0"}),
        (lambda env: env_int("A", 0, maximum=5, environ=env), {"A": "6"}),
        (lambda env: env_choice("A", "x", ("x", "y"), environ=env), {"A": "z"}),
        (lambda env: env_str("A", environ=env), {}),
    ],
)
def test_it_fails_loudly_on_bad_values(reader, env):
    with pytest.raises(ImproperlyConfigured):
        reader(env)


def test_a_secret_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    assert env_str("TOKEN", environ={"TOKEN_FILE": str(secret)}) == "s3cret"
    with pytest.raises(ImproperlyConfigured):
        env_str("TOKEN", environ={"TOKEN_FILE": str(tmp_path / "absent")})
