"""Helpers for the respondent page tests: read the hidden fields of a page and post like a browser."""

from __future__ import annotations

import html
import re

import sqlalchemy as sa

from surveyapp.extensions import db
from surveyapp.models import Response

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def hidden_fields(page: str) -> dict[str, str]:
    """csrf_token, submit-token and started-at as the page carries them."""
    return {name: html.unescape(value) for name, value in HIDDEN.findall(page)}


def open_page(client, url: str, **kwargs) -> tuple[str, dict[str, str]]:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    page = response.get_data(as_text=True)
    return page, hidden_fields(page)


def post_answers(client, url: str, answers: dict, hidden: dict[str, str] | None = None, **kwargs):
    """GET the page (unless `hidden` is given), then POST `answers` with its hidden fields."""
    if hidden is None:
        _, hidden = open_page(client, url)
    return client.post(url, data={**hidden, **answers}, **kwargs)


def error_messages(page: str) -> dict[str, str]:
    """Error messages by variable, as shown beside the questions."""
    return dict(re.findall(r'<p class="err" id="e-([^"]+)">([^<]*)</p>', page))


def responses() -> list[Response]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Response).order_by(Response.id)))
