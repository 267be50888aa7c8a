"""`surveyapp questionnaires import FILE` and `questionnaires list`: the same library service as the console."""

from __future__ import annotations

import io

from docx import Document

from ..questionnaires.conftest import demo_doc, write_doc
from ..questionnaires.test_text_format import CONTRACT_EXAMPLE


def test_import_yaml_twice_then_changed(runner, tmp_path):
    path = write_doc(tmp_path, demo_doc())
    first = runner.invoke(args=["questionnaires", "import", str(path)])
    assert first.exit_code == 0, first.output
    assert first.output == "demo stored as new version 1 (演示问卷, role parent)\n"
    again = runner.invoke(args=["questionnaires", "import", str(path)])
    assert again.output == "demo unchanged: already stored as version 1 (演示问卷, role parent)\n"
    changed = demo_doc()
    changed["title"] = "演示问卷二"
    result = runner.invoke(args=["questionnaires", "import", str(write_doc(tmp_path, changed, "v2.yaml"))])
    assert result.output == "demo stored as new version 2 (演示问卷二, role parent)\n"
    listing = runner.invoke(args=["questionnaires", "list"]).output.splitlines()
    assert "demo  versions 1, 2  演示问卷二  (parent)" in listing
    assert "teacher-platform  versions 1  教育质量综合评价平台项目教师满意度调查问卷  (teacher)  built-in" in listing


def test_import_text_and_word_documents(runner, tmp_path):
    text = tmp_path / "teacher.txt"
    text.write_text(CONTRACT_EXAMPLE, encoding="utf-8")
    result = runner.invoke(args=["questionnaires", "import", str(text)])
    assert result.output == "teacher-2025 stored as new version 1 (教师满意度调查问卷, role teacher)\n"
    document = Document()
    for line in CONTRACT_EXAMPLE.replace("teacher-2025", "teacher-word").splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    word = tmp_path / "teacher.docx"
    word.write_bytes(buffer.getvalue())
    result = runner.invoke(args=["questionnaires", "import", str(word)])
    assert result.output == "teacher-word stored as new version 1 (教师满意度调查问卷, role teacher)\n"


def test_bad_files_exit_2_with_one_message_and_store_nothing(runner, tmp_path):
    text = tmp_path / "bad.txt"
    text.write_text("问卷\n1. 学段？[单选题]\nA. 小学\n无关的一行\n", encoding="utf-8")
    result = runner.invoke(args=["questionnaires", "import", str(text)])
    assert result.exit_code == 2
    assert result.stderr == (f"error: {text}: 第 4 行: “无关的一行”：无法归属：选项行以字母开头（如“A. 小学”），"
                             "题目行以题号开头\n")
    missing = runner.invoke(args=["questionnaires", "import", str(tmp_path / "none.yaml")])
    assert missing.exit_code == 2 and "cannot read file" in missing.stderr
    assert "demo" not in runner.invoke(args=["questionnaires", "list"]).output
