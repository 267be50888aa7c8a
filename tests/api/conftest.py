"""API fixtures: an evaluator with an API token, and a client that sends it."""

from __future__ import annotations

import pytest

from surveyapp.auth.services import create_user
from surveyapp.auth.tokens import create_token
from surveyapp.extensions import db

from ..console.conftest import add_response, clock_fixture  # noqa: F401  (the fixtures, for the API's tests too)

PASSWORD = "correct-horse-42"
TEACHER_ANSWERS = {"q1": "小学", "q2": "5年及以下", "q3": ["学科教师"], "q4": "从未使用"}


class ApiClient:
    """The app's test client with `Authorization: Bearer <token>` on every request."""

    def __init__(self, client, token: str):
        self.client, self.token = client, token

    def _headers(self, headers: dict | None) -> dict:
        return {"Authorization": f"Bearer {self.token}", **(headers or {})}

    def get(self, path: str, **kwargs):
        return self.client.get(f"/api/v1{path}", headers=self._headers(kwargs.pop("headers", None)), **kwargs)

    def post(self, path: str, **kwargs):
        return self.client.post(f"/api/v1{path}", headers=self._headers(kwargs.pop("headers", None)), **kwargs)

    def put(self, path: str, **kwargs):
        return self.client.put(f"/api/v1{path}", headers=self._headers(kwargs.pop("headers", None)), **kwargs)


@pytest.fixture
def evaluator(app):
    user = create_user("evaluator", PASSWORD)
    db.session.commit()
    return user


@pytest.fixture
def token(evaluator) -> str:
    _, text = create_token(evaluator, "tests")
    db.session.commit()
    return text


@pytest.fixture
def api(client, token) -> ApiClient:
    return ApiClient(client, token)


def assert_error(response, status: int, code: str) -> dict:
    """The JSON error document of `response`, checked for status, code and shape."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    document = response.get_json()
    assert document["error"] == code
    assert isinstance(document["message"], str) and document["message"]
    assert isinstance(document["errors"], list)
    for item in document["errors"]:
        assert set(item) == {"path", "message"}
    return document
