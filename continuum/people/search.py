"""The name search key: one normalised column per person, so a name search reads an index.

`name_key` holds every name of a person (first, middle, last, then the aliases) as words that
are lower-cased (casefold), stripped of accents (NFKD, combining marks dropped), with apostrophes
removed ("O'Brien" is "obrien") and every other run of punctuation or whitespace made one space,
each word preceded by one space: `" maria jose garcia lopez la flaca"`.

A search term is normalised the same way and split into words; a person matches when every word
of the term begins a word of the key (`" lop"` is found in `" garcia lopez"`), so "maria lopez",
"lopez" and "lop" all find Maria José García-López. On PostgreSQL a pg_trgm GIN index on the key
serves that LIKE. When nothing matches so, the case list asks again for similar names: trigram
word similarity (pg_trgm's `%>`, threshold 0.6, through the same index), so "Montenegor" finds
"Montenegro". Similarity is the second try only, because it is loose: "dawn roberts" is similar
to every "... roberts". On SQLite (demo sizes) the word-prefix match runs over the key column,
which has a plain index, and there is no similarity search.

Whatever writes a person keeps the key: `Person.save()` sets it (the actions, intake), and the
synthetic generator, which streams rows with COPY, sets it before writing (`person_key`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.db import models
from django.db.models import Q

# Apostrophes join the letters around them; any other non-letter, non-digit separates words.
_APOSTROPHES = re.compile(r"['\u2019\u02bc`\u00b4]")
_SEPARATORS = re.compile(r"[\W_]+")
# Words of a search term shorter than this are left out: "a" alone would match nearly everyone.
MIN_WORD = 2
# The fields the key is made of: saving any of them saves the key too.
NAME_FIELDS = frozenset({"first_name", "middle_name", "last_name", "aliases"})
MAX_WORDS = 6


class NameKeyField(models.CharField):  # type: ignore[type-arg]
    """The column of the key; on PostgreSQL it also answers `__trigram_word_similar` (pg_trgm's
    `%>`) without django.contrib.postgres among the installed apps."""


NameKeyField.register_lookup(TrigramWordSimilar)


def words_of(text: str) -> list[str]:
    """`text` as normalised words."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(char for char in folded if not unicodedata.combining(char)).casefold()
    folded = _APOSTROPHES.sub("", folded)
    return _SEPARATORS.sub(" ", folded).split()


def name_key(parts: Iterable[str]) -> str:
    """The key of these names: each word preceded by one space (empty when there is no name)."""
    return "".join(f" {word}" for part in parts if part for word in words_of(str(part)))


def person_key(person: Any) -> str:
    aliases = person.aliases if isinstance(person.aliases, list) else []
    return name_key([person.first_name, person.middle_name, person.last_name, *map(str, aliases)])


def search_words(term: str) -> list[str]:
    """The words of a search term that are searched (long enough, at most MAX_WORDS)."""
    return [word for word in words_of(term) if len(word) >= MIN_WORD][:MAX_WORDS]


def name_matches(term: str, *, vendor: str, similar: bool = False) -> Q | None:
    """A filter on `name_key` for people whose names match `term`: every word of the term begins a
    word of the key; or, with `similar` (PostgreSQL only), the term's words are close to a stretch
    of the key by trigram word similarity, for misspelt names. None when there is nothing to
    search (no usable word, or `similar` where pg_trgm is not available)."""
    words = search_words(term)
    if not words:
        return None
    if similar:
        if vendor != "postgresql":
            return None
        return Q(name_key__trigram_word_similar=" ".join(words))
    every_word = Q()
    for word in words:
        every_word &= Q(name_key__contains=f" {word}")
    return every_word


def create_name_key_index(schema_editor: Any) -> None:
    """pg_trgm GIN on PostgreSQL (partial and misspelt names), a plain index elsewhere; idempotent."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS person_name_key_trgm"
            " ON people_person USING gin (name_key gin_trgm_ops)"
        )
    else:
        schema_editor.execute("CREATE INDEX IF NOT EXISTS person_name_key ON people_person (name_key)")
