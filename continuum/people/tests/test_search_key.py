"""The name search key: normalised once when a person is written, searched by word prefix."""

import pytest

from continuum.people.models import Person
from continuum.people.search import name_key, search_words


def test_the_key_folds_case_accents_apostrophes_and_punctuation():
    assert name_key(["María José", "García-López", "O'Brien", "  LA   flaca! "]) == (
        " maria jose garcia lopez obrien la flaca"
    )


def test_full_width_and_compatibility_letters_fold_too():
    assert name_key(["Ｊｏｓé", "Straße"]) == " jose strasse"


def test_a_search_drops_single_letters_and_keeps_the_rest_in_order():
    assert search_words("  J.  Gómez-Ruiz ") == ["gomez", "ruiz"]
    assert search_words("- . ,") == []


@pytest.mark.django_db
def test_saving_a_person_keeps_the_key_even_for_some_fields_only():
    person = Person.objects.create(first_name="Zoë", last_name="Nuñez", aliases=["Flaca"])
    assert Person.objects.get(pk=person.pk).name_key == " zoe nunez flaca"
    person.last_name = "Ortiz"
    person.save(update_fields=["last_name"])
    assert Person.objects.get(pk=person.pk).name_key == " zoe ortiz flaca"


@pytest.mark.django_db
def test_the_synthetic_people_have_their_keys():
    people = list(Person.objects.exclude(first_name="")[:50])
    assert people
    assert all(p.name_key.split() == name_key([p.first_name, p.last_name]).split() for p in people)
