"""Actions on tips: the public submits one, and adds to it later with its code.

A tip has no actor (the sender is anonymous) and no case yet, so it writes neither an audit row
about a person nor a journey event; the journey starts when staff turn it into a referral.
Nothing about the request (address, user agent, cookies) reaches these functions.
"""

from __future__ import annotations

import contextlib
import logging
import re

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import IntegrityError, models, transaction

from continuum.core.validation import check_text
from continuum.intake.images import CleanImage
from continuum.intake.models import (
    CODE_ALPHABET,
    CODE_GROUP_LENGTH,
    CODE_GROUPS,
    CODE_PREFIX,
    Tip,
    TipAddition,
    TipLanguage,
    TraffickingKind,
    VictimAgeGroup,
    new_tip_code,
    photo_name,
)

logger = logging.getLogger(__name__)

CODE_ATTEMPTS = 5
# What people mistype or read differently, mapped as Crockford's base 32 does.
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_CODE_BODY = re.compile(f"[{CODE_ALPHABET}]{{{CODE_GROUPS * CODE_GROUP_LENGTH}}}")


def normalize_code(text: str) -> str | None:
    """`TIP-7KQ2-M9XD` from "tip 7kq2 m9xd", "7KQ2M9XD", "TIP-7KQ2-M9XO"...; None if it cannot be one."""
    compact = re.sub(r"[\s\-_.]", "", text.upper())
    compact = compact.removeprefix(CODE_PREFIX)
    compact = compact.translate(_LOOK_ALIKES)
    if not _CODE_BODY.fullmatch(compact):
        return None
    groups = [compact[i : i + CODE_GROUP_LENGTH] for i in range(0, len(compact), CODE_GROUP_LENGTH)]
    return "-".join((CODE_PREFIX, *groups))


def tip_submit(
    *,
    language: str,
    what_happened: str,
    where: str = "",
    when_text: str = "",
    trafficking_kind: str = TraffickingKind.NOT_SURE,
    victim_age_group: str = VictimAgeGroup.NOT_SURE,
    contact: str = "",
    photo: CleanImage | None = None,
) -> Tip:
    """Store one anonymous tip, with its cleaned photo, in one transaction; the new tip (with its code).

    The photo (already stripped of its metadata) is written to storage first and taken away
    again when the transaction does not commit, so a failure leaves neither a row nor a file."""
    for name, text, limit in (
        ("what_happened", what_happened, 10_000),
        ("where", where, 1_000),
        ("when_text", when_text, 200),
        ("contact", contact, 500),
    ):
        check_text(text, max_length=limit, field=name)
    storage = _photo_storage()
    stored: str | None = None
    if photo is not None:
        stored = storage.save(photo_name(None, f"photo.{photo.extension}"), ContentFile(photo.content))
    try:
        with transaction.atomic():
            tip = Tip(
                language=language if language in TipLanguage.values else TipLanguage.ENGLISH,
                what_happened=what_happened,
                where=where,
                when_text=when_text,
                trafficking_kind=trafficking_kind,
                victim_age_group=victim_age_group,
                contact=contact,
                photo=stored or "",
            )
            for attempt in range(CODE_ATTEMPTS):
                try:
                    with transaction.atomic():  # a savepoint: a code already taken is drawn again
                        tip.code = new_tip_code()
                        tip.save(force_insert=True)
                    break
                except IntegrityError:
                    if attempt == CODE_ATTEMPTS - 1:
                        raise
    except BaseException:
        if stored is not None:
            with contextlib.suppress(OSError):
                storage.delete(stored)
        raise
    logger.info("Tip received")  # no code, no content, nothing about the sender
    return tip


def _photo_storage() -> Storage:
    field = Tip._meta.get_field("photo")
    assert isinstance(field, models.FileField)
    return field.storage


@transaction.atomic
def tip_add(*, code: str, text: str) -> TipAddition | None:
    """Add the sender's further information to the tip with this code; None when there is no such tip.

    The caller answers the same either way, so that codes cannot be probed."""
    check_text(text, field="text")
    normalized = normalize_code(code)
    if normalized is None:
        return None
    tip = Tip.objects.select_for_update().filter(code=normalized).first()
    if tip is None:
        return None
    addition = TipAddition.objects.create(tip=tip, text=text)
    logger.info("Tip addition received")
    return addition
