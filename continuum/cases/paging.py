"""One page of a long list with at most one capped COUNT: never the same work done twice in full.

The page is read first, one row more than it shows (so it knows whether a next page exists). When
that settles the total (the first page, and no more rows), there is no COUNT at all; otherwise one
COUNT that stops at `cap` + 1 rows, shown as "1,000+" when the cap is reached. So a list of a
million restricted cases costs the page and a bounded count, not two full scans.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

COUNT_CAP = 1000


@dataclass(frozen=True)
class ListOf:
    """What Django's Paginator offers templates and tests: the whole list, its (capped) count."""

    object_list: QuerySet[Any]
    count: int
    num_pages: int | None


@dataclass(frozen=True)
class CappedPage:
    object_list: list[Any]
    number: int
    per_page: int
    count: int  # exact when not capped; `cap` when capped
    capped: bool
    has_next: bool
    queryset: QuerySet[Any]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def paginator(self) -> ListOf:
        """As Django's Page has it: `page.paginator.count`, `page.paginator.object_list`."""
        return ListOf(self.queryset, self.count, self.num_pages)

    @property
    def num_pages(self) -> int | None:
        """None when the count is capped: the last page is not known."""
        return None if self.capped else max(1, -(-self.count // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def page_number(value: Any) -> int:
    """A page number from the query string; anything unusable is page 1."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return number if 1 <= number <= 1_000_000 else 1


def capped_page(
    queryset: QuerySet[Any],
    number: Any,
    *,
    per_page: int,
    cap: int = COUNT_CAP,
    count: int | None = None,
    counted_to_cap: bool = False,
) -> CappedPage:
    """Page `number` of `queryset` (ordered), with the capped count. A page past the end falls
    back to the last page that can be shown within the cap. With `count`, the total the caller
    already knows (from a query it makes anyway), nothing is counted here: the exact total, or,
    with `counted_to_cap`, what the caller's own count that stops at `cap` + 1 found (more than
    `cap` is shown as capped)."""
    page = page_number(number)
    offset = (page - 1) * per_page
    rows = list(queryset[offset : offset + per_page + 1])
    total: int | None = count
    if total is not None and not counted_to_cap:
        cap = max(cap, total)
    # The count needs no order: without it the database stops at `cap` + 1 rows instead of joining
    # and sorting every row the user may see to keep the first `cap` + 1 (a top-N sort of them all).
    counted = queryset.order_by()[: cap + 1]
    if not rows and page > 1:
        total = counted.count() if total is None else total
        page = max(1, -(-min(total, cap) // per_page))
        offset = (page - 1) * per_page
        rows = list(queryset[offset : offset + per_page + 1])
    has_next = len(rows) > per_page
    rows = rows[:per_page]
    if page == 1 and not has_next:
        return CappedPage(rows, page, per_page, len(rows), capped=False, has_next=False, queryset=queryset)
    if total is None:
        total = counted.count()
    capped = total > cap
    return CappedPage(
        rows, page, per_page, cap if capped else total, capped=capped, has_next=has_next, queryset=queryset
    )
