"""Pages of long lists (screening, invalid responses, the audit log): one page type, one pager macro.

Pages count from 1; a page number past the end shows the last page. The console's ``_pager.html`` macro
draws the links for any :class:`Page`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from .extensions import db

PER_PAGE = 50


@dataclass(frozen=True)
class Page:
    """One page of a list: its items, its number, the page size and the length of the whole list."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first(self) -> int:
        """The 1-based position of the page's first item (0 when empty)."""
        return (self.page - 1) * self.per_page + 1 if self.items else 0


def page_number(value: Any) -> int:
    """A page number from a query argument: a positive integer, else 1."""
    text = str(value or "")
    return int(text) if text.isdigit() and 0 < int(text) < 1_000_000 else 1


def _clamped(page: int, total: int, per_page: int) -> int:
    return min(max(1, page), max(1, -(-total // per_page)))


def page_of_list(items: list, page: int, per_page: int = PER_PAGE) -> Page:
    """One page of a list in memory."""
    page = _clamped(page, len(items), per_page)
    return Page(items[(page - 1) * per_page:page * per_page], page, per_page, len(items))


def page_of_query(query: sa.Select, page: int, per_page: int = PER_PAGE) -> Page:
    """One page of the ORM rows of an ordered `query` (one COUNT, then the page with OFFSET/LIMIT)."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery())) or 0
    page = _clamped(page, total, per_page)
    items = list(db.session.scalars(query.offset((page - 1) * per_page).limit(per_page)).unique())
    return Page(items, page, per_page, total)
