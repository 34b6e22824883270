"""Import problems read in the user's language: file, row and the column as the file
spells it, then what is wrong, from a message key with values (never pydantic's English).

Real files through the real CLI (a subprocess on a real SQLite file), in Chinese (the
default) and English (DUIJIE_LANG=en); the web page and API are covered in
tests/web/test_ops_pages.py and tests/web/test_ops_api.py.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from openpyxl import Workbook

from duijie.graph.import_words import ImportIssue, line, schema_issue, words

ROOT = Path(__file__).resolve().parents[2]

FIRMS = ("企业名称,统一社会信用代码,营业收入,员工人数,研发投入占比,成立年份,是否上市,密级\n"
         "甲公司,123,abc,2.5,101,1700,也许,绝密\n"
         ",,,,,,,\n"
         "乙公司,,-5,很多,x,,,\n")
NEEDS = ("需求名称,企业名称,需求类型,截止日期,预算（万元）\n"
         "红外降噪,甲公司,奇怪,2019-13-01,1\n"
         "红外降噪二,甲公司,技术需求,明天,-1\n"
         "红外降噪,甲公司,技术需求,,\n")


def run(db: Path, *args: str, lang: str = "zh") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DUIJIE_LANG": lang}
    env.pop("DUIJIE_GRAPH", None)
    return subprocess.run([sys.executable, "-m", "duijie.api.cli", "--db", str(db), *args],
                          capture_output=True, text=True, env=env, timeout=120)


def english_words(text: str) -> list[str]:
    """Words of English in a Chinese line, leaving out what the file or the user typed
    (quoted cells, file names) and the bilingual header and value spellings (企业名称/name)."""
    text = re.sub(r"“[^”]*”", "", text)
    text = text.replace("YYYY-MM-DD", "")  # how a date is written, in any language
    text = re.sub(r"[\w.]+\.(?:csv|xlsx)", "", text)
    text = re.sub(r"[\u4e00-\u9fff（）]+/[a-z_]+", "", text)
    return re.findall(r"[A-Za-z]{3,}", text)


def test_both_languages_hold_the_same_keys() -> None:
    tables = words()
    assert set(tables["zh"]) == set(tables["en"])
    for key in tables["en"]:
        fields = set(re.findall(r"\{(\w+)\}", tables["en"][key]))
        assert set(re.findall(r"\{(\w+)\}", tables["zh"][key])) <= fields | {"line", "byte"}, key


def test_a_bad_firm_file_is_worded_in_chinese_and_english(tmp_path: Path) -> None:
    path = tmp_path / "企业.csv"
    path.write_text(FIRMS, encoding="utf-8")
    db = tmp_path / "office.db"
    zh = run(db, "import", "企业", str(path))
    assert zh.returncode == 2 and zh.stdout == ""
    lines = zh.stderr.splitlines()
    assert lines[0] == "错误：企业.csv：未导入任何记录：共 9 个问题"
    expected = [
        "企业.csv，第 2 行，字段 营业收入：“abc” 不是数字",
        "企业.csv，第 2 行，字段 员工人数：“2.5” 不是整数",
        "企业.csv，第 2 行，字段 是否上市：“也许” 不是“是”或“否”",
        "企业.csv，第 2 行，字段 统一社会信用代码：“123” 须是 18 位统一社会信用代码",
        "企业.csv，第 2 行，字段 研发投入占比：“101” 不能大于 100",
        "企业.csv，第 2 行，字段 成立年份：“1700” 不能小于 1800",
        "企业.csv，第 4 行，字段 员工人数：“很多” 不是数字",
        "企业.csv，第 4 行，字段 研发投入占比：“x” 不是数字",
        "企业.csv，第 4 行，字段 营业收入：“-5” 不能小于 0",
    ]
    for want in expected:
        assert "  " + want in lines, (want, lines)
    for shown in lines:
        assert not english_words(shown), shown
    en = run(db, "import", "企业", str(path), lang="en")
    assert en.stderr.splitlines()[0] == "error: 企业.csv: nothing was imported: 9 problem(s)"
    assert "  企业.csv, row 2, field 成立年份: '1700' must be at least 1800" in en.stderr
    assert "  企业.csv, row 2, field 研发投入占比: '101' must be at most 100" in en.stderr
    assert "Input should" not in en.stderr and "Value error" not in en.stderr
    assert "不是" not in en.stderr
    as_json = json.loads(run(db, "import", "企业", str(path), "--json").stdout)
    assert as_json["ok"] is False and len(as_json["issues"]) == 9
    assert {"file": "企业.csv", "row": 2, "field": "成立年份", "key": "at_least",
            "values": {"cell": "1700", "limit": 1800},
            "message": "'1700' must be at least 1800"} in as_json["issues"]
    assert "Enterprise" not in run(db, "stats").stdout  # nothing half-written


def test_needs_name_the_choices_dates_and_repeats(tmp_path: Path) -> None:
    path = tmp_path / "needs.csv"
    path.write_text(NEEDS, encoding="utf-8")
    db = tmp_path / "office.db"
    zh = run(db, "import", "需求", str(path)).stderr
    assert ("needs.csv，第 2 行，字段 需求类型：“奇怪” 不是可选值（可选：技术需求/technology、"
            "问题/problem、政策/policy、融资/financing、人才/talent）") in zh
    assert "needs.csv，第 2 行，字段 截止日期：“2019-13-01” 不是日历上有的日期" in zh
    assert "needs.csv，第 3 行，字段 截止日期：“明天” 不是日期：请写成 YYYY-MM-DD" in zh
    assert "needs.csv，第 3 行，字段 预算（万元）：“-1” 不能小于 0" in zh
    en = run(db, "import", "需求", str(path), lang="en").stderr
    assert "needs.csv, row 2, field 需求类型: '奇怪' is not one of 技术需求/technology" in en
    assert "needs.csv, row 2, field 截止日期: '2019-13-01' is not a day on the calendar" in en


def test_header_and_whole_file_problems(tmp_path: Path) -> None:
    db = tmp_path / "office.db"
    path = tmp_path / "firms.csv"
    path.write_text("企业名称,身高,企业名称\n甲公司,1,乙公司\n", encoding="utf-8")
    zh = run(db, "import", "企业", str(path)).stderr
    assert "firms.csv，表头：未知的列 “身高”（企业可用的列：编号/id" in zh
    assert "firms.csv，表头：列 “企业名称” 和 “企业名称” 是同一个字段" in zh
    path.write_text("需求类型\n技术需求\n", encoding="utf-8")
    assert "firms.csv，表头：缺少必填列 需求名称/title" in run(db, "import", "需求",
                                                               str(path)).stderr
    path.write_text("企业名称\n", encoding="utf-8")
    empty = run(db, "import", "企业", str(path)).stderr
    assert empty == "错误：firms.csv：只有表头行，没有数据行\n"
    path.write_bytes("企业名称\n大立\n".encode("gbk") + b"\x81\xff\n")
    assert "firms.csv：第 3 行第 14 字节无法解码" in run(db, "import", "企业", str(path)).stderr
    book = Workbook()
    book.active.title = "企业"
    book.active.append(["企业名称"])
    book.active.append(["甲公司"])
    book.save(tmp_path / "firms.xlsx")
    wrong = run(db, "import", "企业", str(tmp_path / "firms.xlsx"), "--sheet", "需求")
    assert wrong.stderr == "错误：firms.xlsx：“需求” 不是该工作簿中的工作表（工作表：企业）\n"
    english = run(db, "import", "企业", str(tmp_path / "firms.xlsx"), "--sheet", "需求",
                  lang="en")
    assert english.stderr == ("error: firms.xlsx: '需求' is not a sheet of this workbook "
                              "(sheets: 企业)\n")


def test_edges_name_their_ends_in_the_users_words(tmp_path: Path) -> None:
    db = tmp_path / "office.db"
    firms = tmp_path / "firms.csv"
    firms.write_text("id,企业名称\nent:a,甲公司\nent:b,乙公司\n", encoding="utf-8")
    assert run(db, "import", "企业", str(firms)).returncode == 0
    links = tmp_path / "links.csv"
    links.write_text("src,kind,dst\nent:a,submitted,ent:b\nent:a,likes,ent:b\n"
                     "ent:a,合作,无名氏\n", encoding="utf-8")
    zh = run(db, "import", "关系", str(links)).stderr
    assert "links.csv，第 2 行：关系 “submitted” 不能从企业连到企业（可连：企业 → 需求）" in zh
    assert "links.csv，第 3 行，字段 kind：“likes” 不是关系类型" in zh
    assert "links.csv，第 4 行：终点 “无名氏” 不是已有节点（请先导入这些节点）" in zh


def test_every_schema_error_type_has_words() -> None:
    """The pydantic types a row can raise each pick a key (none falls back to English)."""
    cases = [("int_parsing", {}), ("float_parsing", {}), ("missing", {}),
             ("string_too_long", {"max_length": 300}), ("too_long", {"max_length": 500}),
             ("literal_error", {"expected": "'a' or 'b'"}), ("enum", {"expected": "'a'"}),
             ("greater_than_equal", {"ge": 0}), ("less_than_equal", {"le": 5}),
             ("greater_than", {"gt": 0.5}), ("less_than", {"lt": 3}),
             ("date_parsing", {}), ("bool_parsing", {}), ("string_too_short", {}),
             ("string_type", {}), ("list_type", {})]
    for kind, context in cases:
        issue = schema_issue({"type": kind, "ctx": context, "input": "x"}, "a.csv", 2, "列", "x")
        assert isinstance(issue, ImportIssue) and issue.key != "not_valid", kind
        assert not english_words(line(issue, "zh")), (kind, line(issue, "zh"))
        assert "Input should" not in issue
