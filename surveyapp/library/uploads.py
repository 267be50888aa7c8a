"""Questionnaire files as evaluators bring them: YAML, plain text (UTF-8 or GBK) and Word documents."""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from docx import Document

from questionnaires import QuestionnaireError
from questionnaires.yamlfile import MAX_FILE_BYTES

YAML_SUFFIXES = (".yaml", ".yml")
TEXT_SUFFIXES = (".txt", ".docx")


def is_yaml(filename: str) -> bool:
    return PurePath(filename).suffix.lower() in YAML_SUFFIXES


def upload_text(data: bytes, filename: str) -> str:
    """The text of an uploaded questionnaire file: YAML or .txt decoded, a .docx's paragraphs one a line.

    Raises QuestionnaireError (naming the file) for another kind of file, a file too large or unreadable.
    """
    suffix = PurePath(filename).suffix.lower()
    if suffix not in YAML_SUFFIXES + TEXT_SUFFIXES:
        raise QuestionnaireError(filename, [("", "只能上传 .yaml、.yml、.txt 或 .docx 文件")])
    if len(data) > MAX_FILE_BYTES:
        raise QuestionnaireError(filename, [("", f"文件超过 {MAX_FILE_BYTES // 1_000_000} MB")])
    if suffix == ".docx":
        return docx_text(data, filename)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if suffix in YAML_SUFFIXES:
            problem = f"不是 UTF-8 文本（第 {exc.start} 字节）；请另存为 UTF-8"
            raise QuestionnaireError(filename, [("", problem)]) from exc
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise QuestionnaireError(filename, [("", f"无法识别文件编码（第 {exc.start} 字节）；请另存为 UTF-8")]) from exc


def docx_text(data: bytes, filename: str) -> str:
    """The paragraphs of a Word document, one a line (tables and automatic numbering are not read)."""
    try:
        document = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise QuestionnaireError(filename, [("", "无法读取 Word 文档（请上传 .docx 格式，而不是 .doc）")]) from exc
    return "\n".join(paragraph.text for paragraph in document.paragraphs)
