"""Error pages: respondents and evaluators see a Chinese message, never a traceback."""

from __future__ import annotations

from flask import Flask, render_template_string, request
from werkzeug.exceptions import HTTPException

from questionnaires import InputError

from .extensions import db

MESSAGES = {
    400: "请求无效，请返回后重试。",
    403: "您没有权限访问此页面。",
    404: "页面不存在，请检查链接是否完整。",
    405: "不支持此操作。",
    413: "提交的内容过大，请精简后重试。",
    429: "操作过于频繁，请稍后再试。",
    500: "服务器暂时出现问题，请稍后再试。您的答卷未被保存。",
}

STYLE = """body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;padding:2rem 1rem;
color:#222;background:#f5f6f8}main{max-width:32rem;margin:auto;background:#fff;border-radius:8px;padding:1.5rem}
h1{font-size:1.25rem}"""
"""The error page's own style: inline, so that it shows without any other file (its hash is allowed by the
Content-Security-Policy, see `surveyapp.headers`)."""

PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>{{ title }}</title>
<style>""" + STYLE + """</style></head><body><main><h1>{{ title }}</h1><p>{{ message }}</p></main></body></html>"""


def error_page(status: int, title: str, message: str) -> tuple[str, int]:
    return render_template_string(PAGE, title=title, message=message), status


def register_error_handlers(app: Flask) -> None:
    from .api.errors import api_error_response, is_api_request

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):  # noqa: ANN202
        if is_api_request(request):
            return api_error_response(exc)
        code = exc.code or 500
        return error_page(code, f"{code}", MESSAGES.get(code, exc.description or ""))

    @app.errorhandler(Exception)
    def server_error(exc: Exception):  # noqa: ANN202
        db.session.rollback()
        app.logger.exception("Unhandled error")
        if is_api_request(request):
            return api_error_response(exc)
        return error_page(500, "出错了", MESSAGES[500])


class ConsoleError(InputError):
    """An evaluator's request that cannot be done; `problems` hold one Chinese message for the page.

    `code` (a stable word such as ``unknown_questionnaire``), `english` (a sentence) and `place` (the field
    at fault, e.g. ``slug``) are what the management API answers with (422 unless the API says otherwise).
    """

    def __init__(self, problem: str, source: str = "console", *, code: str = "invalid",
                 english: str | None = None, place: str = ""):
        super().__init__(source, [(place, problem)])
        self.code = code
        self.english = english

    @property
    def problem(self) -> str:
        """The Chinese message to show."""
        return self.problems[0][1]
