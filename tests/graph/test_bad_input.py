"""Bad import files: each gets an error naming where, and the store is unchanged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import Workbook

from duijie.graph.errors import InvalidInput
from duijie.graph.import_words import line
from duijie.graph.importers import import_file
from duijie.graph.jsonl import dumps_graph
from duijie.graph.sqlite_store import SqliteStore

ROOT = Path(__file__).resolve().parents[2]
FIRMS = "企业名称,所在地区,营业收入（万元）\n浙江大立科技,杭州,1200\n恒锋工具,嘉兴,600\n"


@pytest.fixture
def store(db_path):
    """A real SQLite file holding two firms, so 'unchanged' means something."""
    with SqliteStore(db_path) as s:
        csv = db_path.parent / "seed_firms.csv"
        csv.write_text(FIRMS, encoding="utf-8")
        import_file(s, "enterprise", csv)
        yield s


def state(store) -> tuple[str, list]:
    return dumps_graph(store), [r.id for r in store.list_reviews(None)]


def refused(store, kind: str, path: Path, **kwargs) -> InvalidInput:
    """Import must raise InvalidInput and leave the store exactly as it was."""
    before = state(store)
    with pytest.raises(InvalidInput) as caught:
        import_file(store, kind, path, **kwargs)
    assert state(store) == before
    # and the file on disk agrees, seen through a fresh connection
    with SqliteStore(store.path) as fresh:
        assert dumps_graph(fresh) == before[0]
    return caught.value


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_unknown_kind(tmp_path, store):
    err = refused(store, "spaceship", write(tmp_path, "x.csv", "name\nA\n"))
    assert "'spaceship'" in str(err) and "enterprise" in str(err) and err.where == "KIND"


def test_missing_required_column(tmp_path, store):
    path = write(tmp_path, "needs.csv", "需求描述,企业名称\n降噪,浙江大立科技\n")
    err = refused(store, "need", path)
    assert err.problems == ["needs.csv, header: missing required column 需求名称/title"]


def test_undecodable_bytes(tmp_path, store):
    path = tmp_path / "firms.csv"
    path.write_bytes("企业名称,所在地区\n".encode() + b"\xe5\xa4\xa7\xe7\xab\x8b,\x81\xff\n")
    err = refused(store, "enterprise", path)
    # 26 bytes of header, 6 of 大立, a comma: the bad byte is byte 33 of line 2
    assert err.where == "firms.csv, line 2, byte 33"
    assert "neither UTF-8 nor GB18030" in str(err)
    # a GBK file with a bad byte: the position is the one GB18030 reached
    path.write_bytes("企业名称\n大立\n".encode("gbk") + b"\x81\xff\n")
    err = refused(store, "enterprise", path)
    assert err.where == "firms.csv, line 3, byte 14"


def test_duplicate_ids_within_one_file(tmp_path, store):
    path = write(tmp_path, "topics.csv",
                 "id,name\ntopic:ir,红外\ntopic:cf,碳纤维\ntopic:ir,红外热像\n")
    err = refused(store, "topic", path)
    assert err.problems == ["topics.csv, row 4: repeats row 2 (same id 'topic:ir'); each "
                            "record may appear once per file"]


def test_same_name_twice_without_ids(tmp_path, store):
    path = write(tmp_path, "firms.csv", "企业名称\n巨石集团\n新松机器人\n巨石集团\n")
    err = refused(store, "enterprise", path)
    assert "firms.csv, row 4: repeats row 2" in str(err)


def test_edge_to_unknown_node(tmp_path, store):
    firm = store.find_nodes("Enterprise")[0].id
    path = write(tmp_path, "links.csv",
                 f"src,kind,dst\n{firm},located_in,reg:nowhere\nnobody,合作,{firm}\n")
    err = refused(store, "edges", path)
    assert err.problems == [
        "links.csv, row 2: dst 'reg:nowhere' is not a known node (import the nodes first)",
        "links.csv, row 3: src 'nobody' is not a known node (import the nodes first)"]


def test_edge_of_the_wrong_kinds_and_unknown_edge_kind(tmp_path, store):
    a, b = (n.id for n in store.find_nodes("Enterprise"))
    path = write(tmp_path, "links.csv", f"src,kind,dst\n{a},submitted,{b}\n{a},likes,{b}\n")
    err = refused(store, "edges", path)
    assert len(err.problems) == 2
    assert err.problems[0].startswith("links.csv, row 2: 'submitted' cannot join Enterprise "
                                      "to Enterprise")
    assert err.problems[1].startswith("links.csv, row 3, field kind: 'likes' is not an edge "
                                      "kind (known: submitted")


def test_ten_megabyte_cell_is_refused_fast_without_echo(tmp_path, store):
    huge = "长" * (10 * 1024 * 1024)
    path = write(tmp_path, "firms.csv", f"企业名称,简介\n巨石集团,{huge}\n")
    started = time.perf_counter()
    err = refused(store, "enterprise", path)
    assert time.perf_counter() - started < 10
    assert err.where == "firms.csv, row 2" and "longer than" in str(err)
    assert len(str(err)) < 500


def test_long_cell_names_its_field(tmp_path, store):
    path = write(tmp_path, "firms.csv", "企业名称,简介\n巨石集团," + "长" * 50_000 + "\n")
    err = refused(store, "enterprise", path)
    assert err.problems == ["firms.csv, row 2, field 简介: a cell of 50000 characters is "
                            "longer than any field may be (20000)"]


def test_long_cell_in_xlsx(tmp_path, store):
    book = Workbook()
    book.active.append(["企业名称", "简介"])
    book.active.append(["巨石集团", "长" * 1_000_000])
    book.save(tmp_path / "firms.xlsx")
    err = refused(store, "enterprise", tmp_path / "firms.xlsx")
    # openpyxl stops a cell at Excel's limit of 32767 characters, still too long for us
    assert "firms.xlsx, row 2, field 简介: a cell of 32767 characters is longer" in str(err)
    assert len(str(err)) < 500


def test_unknown_column_lists_the_known_ones(tmp_path, store):
    path = write(tmp_path, "firms.csv", "企业名称,身高\n巨石集团,180\n")
    err = refused(store, "enterprise", path)
    (problem,) = err.problems
    assert problem.startswith("firms.csv, header: unknown column '身高' (known for Enterprise:")
    assert "企业名称/name" in problem and "营业收入（万元）/revenue_wan" in problem


def test_negative_revenue(tmp_path, store):
    path = write(tmp_path, "firms.csv", FIRMS + "巨石集团,桐乡,-5\n")
    err = refused(store, "enterprise", path)
    assert err.problems == ["firms.csv, row 4, field 营业收入（万元）: '-5' must be at least 0"]
    assert line(err.problems[0], "zh") == ("firms.csv，第 4 行，字段 营业收入（万元）："
                                          "“-5” 不能小于 0")


def test_every_problem_is_collected(tmp_path, store):
    text = ("企业名称,员工人数,营业收入,统一社会信用代码,密级\n"
            "甲公司,很多,,,\n"
            ",10,,,\n"
            "乙公司,5,-1,123,\n"
            "丙公司,5,1,,绝密\n"
            "丁公司,5,1,,公开\n")
    err = refused(store, "enterprise", write(tmp_path, "firms.csv", text, "gb18030"))
    joined = "\n".join(err.problems)
    assert "firms.csv, row 2, field 员工人数: '很多' is not a number" in joined
    assert "firms.csv, row 3, field 企业名称: is required but empty" in joined
    assert "firms.csv, row 4, field 营业收入: '-1'" in joined
    assert "firms.csv, row 4, field 统一社会信用代码: '123'" in joined
    assert "firms.csv, row 5, field 密级: '绝密' is not a confidentiality level" in joined
    assert len(err.problems) == 5


def test_empty_file(tmp_path, store):
    err = refused(store, "enterprise", write(tmp_path, "firms.csv", ""))
    assert str(err) == "firms.csv: is empty: there is no header row"


def test_blank_lines_only(tmp_path, store):
    err = refused(store, "enterprise", write(tmp_path, "firms.csv", "\n,,\n\n"))
    assert "no header row" in str(err)


def test_header_only(tmp_path, store):
    err = refused(store, "enterprise", write(tmp_path, "firms.csv", "企业名称,所在地区\n"))
    assert str(err) == "firms.csv: has a header row but no data rows"


def test_not_a_workbook_and_unknown_sheet(tmp_path, store):
    err = refused(store, "enterprise", write(tmp_path, "firms.xlsx", "企业名称\n巨石集团\n"))
    assert err.where == "firms.xlsx" and "not an XLSX workbook" in str(err)
    book = Workbook()
    book.active.title = "企业"
    book.active.append(["企业名称"])
    book.save(tmp_path / "real.xlsx")
    err = refused(store, "enterprise", tmp_path / "real.xlsx", sheet="需求")
    assert "'需求' is not a sheet" in str(err) and "sheets: 企业" in str(err)


def test_missing_file(tmp_path, store):
    err = refused(store, "enterprise", tmp_path / "nope.csv")
    assert "does not exist" in str(err)


def test_a_need_naming_an_unknown_credit_code(tmp_path, store):
    path = write(tmp_path, "needs.csv", "需求名称,统一社会信用代码\n降噪,91330000142917542J\n")
    err = refused(store, "need", path)
    assert "needs.csv, row 2: no stored enterprise has the credit code" in str(err)


def test_cli_exit_code_two_lists_every_problem(tmp_path, store):
    rows = "".join(f"公司{i},-{i + 1}\n" for i in range(25))
    path = write(tmp_path, "firms.csv", "企业名称,营业收入\n" + rows)
    before = state(store)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DUIJIE_DB": str(store.path)}
    env.pop("DUIJIE_GRAPH", None)
    done = subprocess.run([sys.executable, "-m", "duijie.api.cli", "import", "企业", str(path)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("错误：firms.csv：未导入任何记录：共 25 个问题")
    for i in range(25):
        assert f"firms.csv，第 {i + 2} 行，字段 营业收入：“-{i + 1}” 不能小于 0" in done.stderr
    english = subprocess.run([sys.executable, "-m", "duijie.api.cli", "import", "企业", str(path)],
                             capture_output=True, text=True, env={**env, "DUIJIE_LANG": "en"},
                             timeout=120)
    assert english.stderr.startswith("error: firms.csv: nothing was imported: 25 problem(s)")
    for i in range(25):
        assert f"firms.csv, row {i + 2}, field 营业收入: '-{i + 1}' must be at least 0" in (
            english.stderr)
    unknown = subprocess.run([sys.executable, "-m", "duijie.api.cli", "import", "飞船", str(path)],
                             capture_output=True, text=True, env=env, timeout=120)
    assert unknown.returncode == 2 and "类型：“飞船” 不是可导入的类型" in unknown.stderr
    assert state(store) == before


def test_edge_naming_two_nodes_asks_for_an_id(tmp_path, store):
    regions = write(tmp_path, "reg.csv", "id,地区名称\nreg:a,鼓楼区\nreg:b,鼓楼区\n")
    import_file(store, "region", regions)
    firm = store.find_nodes("Enterprise")[0].id
    path = write(tmp_path, "links.csv", f"起点,关系,终点\n{firm},位于,鼓楼区\n")
    err = refused(store, "edges", path)
    assert err.problems == ["links.csv, row 2: dst '鼓楼区' names 2 nodes (reg:a, reg:b); "
                            "give the id"]


def test_credit_code_that_excel_turned_into_a_number(tmp_path, store):
    book = Workbook()
    book.active.append(["企业名称", "统一社会信用代码"])
    # Excel keeps 15 significant digits: an 18-digit code typed into a number cell
    book.active.append(["巨石集团", 9.13304007199858e17])
    book.save(tmp_path / "firms.xlsx")
    err = refused(store, "enterprise", tmp_path / "firms.xlsx")
    (problem,) = err.problems
    assert problem.startswith("firms.xlsx, row 2, field 统一社会信用代码:")
    assert "stored by Excel as a number" in problem


def test_cli_json_output_lists_problems_for_machines(tmp_path, store):
    path = write(tmp_path, "needs.csv", "需求名称,预算（万元）,截止日期\n降噪,-3,明年\n")
    before = state(store)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DUIJIE_DB": str(store.path)}
    env.pop("DUIJIE_GRAPH", None)
    done = subprocess.run([sys.executable, "-m", "duijie.api.cli", "import", "need", str(path),
                           "--json"], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 2
    answer = json.loads(done.stdout)
    assert answer["ok"] is False and answer["where"] == "needs.csv"
    assert [p.split(":")[0] for p in answer["problems"]] == [
        "needs.csv, row 2, field 预算（万元）", "needs.csv, row 2, field 截止日期"]
    assert state(store) == before
