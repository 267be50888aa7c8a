"""The phone preview: the real respondent page of a questionnaire that may not be stored yet.

The page is rendered by the respondent pages' own template and helpers, as a respondent would see it
before answering; the console shows it in a 375 px wide sandboxed frame that cannot submit (no
``allow-forms``), with a banner saying so.
"""

from __future__ import annotations

from typing import Any

from questionnaires import Questionnaire, QuestionnaireError
from questionnaires.yamlfile import parse_yaml

from ..respond import forms as respond_forms
from ..respond.routes import Target, _questionnaire_html

PREVIEW_BANNER = "预览：答题者看到的页面。预览中不能提交问卷。"


def preview_page(questionnaire: Questionnaire) -> str:
    """The respondent page of `questionnaire` (HTML), with a preview banner and no unit."""
    key = questionnaire.content_hash or questionnaire.id
    cached = key in respond_forms._CLASSES
    form = respond_forms.questionnaire_form_class(questionnaire)(formdata=None)
    if not cached:      # a draft's form class is not kept: every edit would add one
        respond_forms._CLASSES.pop(key, None)
    target = Target(form=None, survey=None, unit=None, questionnaire=questionnaire)
    return _questionnaire_html(target, form, banner=PREVIEW_BANNER, action="#")


def questionnaire_document(source: str) -> dict[str, Any]:
    """The document of a stored version's YAML (stored versions are valid, so this is a mapping)."""
    document = parse_yaml(source, "questionnaire", QuestionnaireError)
    return document if isinstance(document, dict) else {}
