"""Importing real CSV and XLSX files into a real SQLite store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from duijie.graph.errors import InvalidInput
from duijie.graph.import_words import line
from duijie.graph.importers import import_file, parse_table
from duijie.graph.jsonl import dumps_graph
from duijie.graph.model import new_id
from duijie.graph.normalize import normalize_text
from duijie.graph.sqlite_store import SqliteStore
from duijie.graph.store import iter_edges, iter_nodes
from duijie.graph.tabular import read_table

ROOT = Path(__file__).resolve().parents[2]

FIRMS_ZH = [
    ["企业名称", "统一社会信用代码", "所在地区", "所属行业", "营业收入（万元）", "员工人数",
     "研发投入占比", "别名", "密级"],
    ["浙江大立科技股份有限公司", "91330000142917542J", "杭州", "红外热像", "1,200.5", "850",
     "12%", "大立科技；大立", "公开"],
    ["精功（绍兴）复合材料有限公司", "", "绍兴", "碳纤维", "800", "300", "6.5",
     "精功复材、精功", "内部"],
    ["湖州太平微特电机有限公司", "", "湖州", "微特电机", "", "120", "", "", ""],
]
FIRMS_EN = [["name", "credit_code", "region", "industry", "revenue_wan", "employees",
             "rd_ratio_pct", "aliases", "confidentiality"],
            *[[*row[:8], {"公开": "public", "内部": "internal", "": ""}[row[8]]]
              for row in FIRMS_ZH[1:]]]


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    text = "\r\n".join(",".join(f'"{c}"' if "," in c else c for c in row) for row in rows)
    path.write_bytes((text + "\r\n").encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list], sheet: str = "Sheet1",
               first_sheet: str | None = None) -> Path:
    book = Workbook()
    if first_sheet:
        book.active.title = first_sheet
        book.active.append(["说明"])
        book.active.append(["这一页不是数据"])
        ws = book.create_sheet(sheet)
    else:
        ws = book.active
        ws.title = sheet
    for row in rows:
        ws.append([None if c == "" else c for c in row])
    book.save(path)
    return path


def snapshot(store) -> dict:
    return {n.id: (n.props, n.aliases, n.confidentiality) for n in iter_nodes(store)}


@pytest.mark.parametrize(("encoding", "reported"), [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030"),
    ("gbk", "gb18030"),
])
def test_csv_in_each_encoding_gives_the_same_enterprises(tmp_path, sqlite_store, encoding,
                                                         reported):
    path = write_csv(tmp_path / "firms.csv", FIRMS_ZH, encoding)
    report = import_file(sqlite_store, "enterprise", path)
    assert (report.encoding, report.rows, report.created) == (reported, 3, 3)
    dali = sqlite_store.get_node(new_id("Enterprise", "credit", "91330000142917542J"))
    assert dali.props == {"name": "浙江大立科技股份有限公司", "credit_code": "91330000142917542J",
                          "region": "杭州", "industry": "红外热像", "revenue_wan": 1200.5,
                          "employees": 850, "rd_ratio_pct": 12.0}
    assert dali.aliases == ["大立科技", "大立"]
    assert dali.provenance[0].source == "import:firms.csv" and dali.provenance[0].row == 2
    jinggong = sqlite_store.get_node(new_id("Enterprise",
                                            normalize_text("精功（绍兴）复合材料有限公司")))
    assert (jinggong.aliases, jinggong.confidentiality) == (["精功复材", "精功"], "internal")


def test_all_encodings_and_xlsx_give_identical_graphs(tmp_path):
    graphs = []
    for i, encoding in enumerate(["utf-8", "utf-8-sig", "gb18030", "gbk", "xlsx"]):
        if encoding == "xlsx":
            path = write_xlsx(tmp_path / "firms.xlsx", FIRMS_ZH)
        else:
            path = write_csv(tmp_path / f"firms{i}.csv", FIRMS_ZH, encoding)
        with SqliteStore(tmp_path / f"g{i}.db") as store:
            import_file(store, "企业", path)
            graphs.append(snapshot(store))
    assert len(graphs[0]) == 3
    assert all(g == graphs[0] for g in graphs[1:])


def test_english_headers_give_the_same_records_as_chinese(tmp_path):
    zh, en = SqliteStore(tmp_path / "zh.db"), SqliteStore(tmp_path / "en.db")
    import_file(zh, "Enterprise", write_csv(tmp_path / "zh.csv", FIRMS_ZH))
    import_file(en, "Enterprise", write_csv(tmp_path / "en.csv", FIRMS_EN))
    assert snapshot(zh) == snapshot(en) and len(snapshot(zh)) == 3
    zh.close()
    en.close()


def test_reimport_updates_instead_of_duplicating(tmp_path, sqlite_store):
    path = write_csv(tmp_path / "firms.csv", FIRMS_ZH)
    first = import_file(sqlite_store, "enterprise", path)
    changed = [row[:] for row in FIRMS_ZH]
    changed[3][5] = "150"  # 湖州太平 hired 30 people
    second = import_file(sqlite_store, "enterprise", write_csv(path, changed))
    assert (first.created, first.updated) == (3, 0)
    assert (second.created, second.updated) == (0, 3)
    assert sqlite_store.counts()["nodes"] == {"Enterprise": 3}
    taiping = sqlite_store.find_nodes("Enterprise", where={"name": "湖州太平微特电机有限公司"})
    assert taiping[0].props["employees"] == 150


def test_xlsx_named_sheet_dates_and_numbers(tmp_path, sqlite_store):
    rows = [["需求名称", "需求描述", "需求类型", "技术领域", "预算（万元）", "截止日期", "密级",
             "企业名称"],
            ["大口径碳纤维缠绕工艺", "需要高校合作攻关", "技术需求", "复合材料", 300,
             datetime(2019, 12, 31), "机密", "精功（绍兴）复合材料有限公司"],
            ["流动资金贷款", "", "融资", "", 500.0, "2020/3/1", "", "精功（绍兴）复合材料有限公司"]]
    path = write_xlsx(tmp_path / "needs.xlsx", rows, sheet="需求表", first_sheet="封面")
    report = import_file(sqlite_store, "需求", path, sheet="需求表")
    assert (report.encoding, report.rows, report.created) == ("xlsx", 2, 2)
    needs = {n.props["title"]: n for n in sqlite_store.find_nodes("Need")}
    winding = needs["大口径碳纤维缠绕工艺"]
    assert winding.props["deadline"] == "2019-12-31" and winding.props["budget_wan"] == 300.0
    assert winding.props["need_type"] == "technology" and winding.confidentiality == "confidential"
    assert needs["流动资金贷款"].props["need_type"] == "financing"
    assert needs["流动资金贷款"].props["deadline"] == "2020-03-01"
    # both rows name one firm: one enterprise, two submitted edges
    firms = sqlite_store.find_nodes("Enterprise")
    assert [f.name for f in firms] == ["精功（绍兴）复合材料有限公司"]
    assert report.linked_created == 1 and report.links == 2
    assert sorted(e.dst for e in sqlite_store.find_edges("submitted", src=firms[0].id)) == \
        sorted(n.id for n in needs.values())


def test_needs_link_to_stored_enterprises_by_another_spelling(tmp_path, sqlite_store):
    import_file(sqlite_store, "enterprise", write_csv(tmp_path / "firms.csv", FIRMS_ZH))
    needs = [["title", "enterprise", "need_type", "text"],
             ["红外探测器降噪", "浙江大立科技", "technology", "非制冷红外焦平面探测器噪声偏高"],
             ["电机能效提升", "湖州太平微特电机", "问题", ""],
             ["新材料中试基地", "嘉兴某新材料公司", "政策", ""]]
    report = import_file(sqlite_store, "need", write_csv(tmp_path / "needs.csv", needs))
    assert (report.created, report.links, report.linked_created) == (3, 3, 1)
    dali_id = new_id("Enterprise", "credit", "91330000142917542J")
    dali = sqlite_store.get_node(dali_id)
    assert dali.name == "浙江大立科技股份有限公司"  # the stored name is kept …
    assert "浙江大立科技" in dali.aliases  # … and the need's spelling becomes an alias
    submitted = {sqlite_store.get_node(e.dst).props["title"]: e.src
                 for e in iter_edges(sqlite_store, "submitted")}
    assert submitted["红外探测器降噪"] == dali_id
    assert sqlite_store.get_node(submitted["电机能效提升"]).name == "湖州太平微特电机有限公司"
    assert sqlite_store.get_node(submitted["新材料中试基地"]).name == "嘉兴某新材料公司"
    assert sqlite_store.counts()["nodes"]["Enterprise"] == 4


def test_need_linked_by_credit_code_only(tmp_path, sqlite_store):
    import_file(sqlite_store, "enterprise", write_csv(tmp_path / "firms.csv", FIRMS_ZH))
    needs = [["需求名称", "统一社会信用代码"], ["红外测温模组小型化", "91330000142917542J"]]
    import_file(sqlite_store, "need", write_csv(tmp_path / "needs.csv", needs))
    (edge,) = sqlite_store.find_edges("submitted")
    assert edge.src == new_id("Enterprise", "credit", "91330000142917542J")


def test_experts_affiliated_when_the_institute_is_known(tmp_path, sqlite_store):
    institutes = [["机构名称", "机构类型", "所在地区"],
                  ["西安交通大学", "高校", "西安"], ["西北工业大学", "高校", "西安"]]
    import_file(sqlite_store, "机构", write_csv(tmp_path / "inst.csv", institutes))
    experts = [["专家姓名", "职称", "所在单位", "研究领域", "示例"],
               ["张伟", "教授", "西安交通大学", "复合材料|缠绕成型", "是"],
               ["李娜", "研究员", "某未登记研究所", "微特电机", "是"]]
    report = import_file(sqlite_store, "专家", write_csv(tmp_path / "experts.csv", experts))
    assert (report.created, report.links) == (2, 1)
    (edge,) = sqlite_store.find_edges("affiliated_with")
    assert sqlite_store.get_node(edge.dst).name == "西安交通大学"
    zhang = sqlite_store.get_node(edge.src)
    assert zhang.props["fields"] == ["复合材料", "缠绕成型"] and zhang.props["illustrative"]
    inst = sqlite_store.find_nodes("Institute")
    assert {i.props["institute_type"] for i in inst} == {"university"}


def test_every_vocabulary_and_event_kind(tmp_path, sqlite_store):
    files = {
        "topic": [["领域名称", "英文名称", "同义词"], ["复合材料", "composites", "碳纤维；玻纤"]],
        "industry": [["行业名称", "行业代码"], ["通用设备制造业", "C34"]],
        "region": [["地区名称", "级别"], ["西安", "市"], ["浙江", "省"]],
        "programme": [["项目名称", "级别", "主管部门", "必备资质"],
                      ["首台（套）", "省级", "省经信厅", "高新技术企业"]],
        "event": [["活动名称", "活动类型", "地点", "开始日期", "结束日期", "参与企业数",
                   "达成合作数"],
                  ["西安精准对接活动", "精准对接", "西安", "2019-05-23", "2019-05-24", "11", "8"]],
    }
    for kind, rows in files.items():
        import_file(sqlite_store, kind, write_csv(tmp_path / f"{kind}.csv", rows))
    counts = sqlite_store.counts()["nodes"]
    assert counts == {"Event": 1, "Industry": 1, "Programme": 1, "Region": 2, "Topic": 1}
    (event,) = sqlite_store.find_nodes("Event")
    assert event.props["event_type"] == "docking_trip"
    assert (event.props["firms"], event.props["cooperation_reached"]) == (11, 8)
    levels = {r.name: r.props["level"] for r in sqlite_store.find_nodes("Region")}
    assert levels == {"西安": "city", "浙江": "province"}
    (prog,) = sqlite_store.find_nodes("Programme")
    assert prog.props["level"] == "provincial" and prog.props["required_flags"] == ["高新技术企业"]


def test_edge_file_with_chinese_headers_and_kinds(tmp_path, sqlite_store):
    import_file(sqlite_store, "enterprise", write_csv(tmp_path / "firms.csv", FIRMS_ZH))
    import_file(sqlite_store, "institute",
                write_csv(tmp_path / "inst.csv", [["id", "name"], ["inst:xjtu", "西安交通大学"]]))
    dali = new_id("Enterprise", "credit", "91330000142917542J")
    edges = [["起点", "关系", "终点", "年份", "结果", "键"],
             [dali, "合作", "inst:xjtu", "2019", "签订技术合作协议", "xian-2019"],
             [dali, "collaborated_with", "inst:xjtu", "2021", "联合申报", "2021"]]
    report = import_file(sqlite_store, "edges", write_csv(tmp_path / "links.csv", edges))
    assert report.edges == 2
    found = sorted(sqlite_store.find_edges("collaborated_with"), key=lambda e: e.key)
    assert [(e.key, e.props["year"], e.props["result"]) for e in found] == [
        ("2021", 2021, "联合申报"), ("xian-2019", 2019, "签订技术合作协议")]
    assert found[1].provenance[0].row == 2


def test_id_column_is_used_and_progress_sees_every_row(tmp_path):
    rows = [["id", "name"], ["topic:ir", "红外"], ["topic:cf", "碳纤维"]]
    table = read_table(write_csv(tmp_path / "t.csv", rows))
    seen = []

    def counting(items):
        for item in items:
            seen.append(item[0])
            yield item

    parsed = parse_table("Topic", table, progress=counting)
    assert [r.node.id for r in parsed.records] == ["topic:ir", "topic:cf"] and seen == [2, 3]


def test_tab_separated_utf16_from_excel_unicode_text(tmp_path, sqlite_store):
    path = tmp_path / "firms.txt"
    path.write_text("企业名称\t所在地区\r\n恒锋工具股份有限公司\t嘉兴\r\n", encoding="utf-16")
    report = import_file(sqlite_store, "enterprise", path)
    assert report.encoding == "utf-16"
    assert sqlite_store.find_nodes("Enterprise")[0].props["region"] == "嘉兴"


# -- the CLI, in a subprocess ---------------------------------------------------

def run_cli(*args: str, db: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DUIJIE_DB": str(db)}
    env.pop("DUIJIE_GRAPH", None)
    return subprocess.run([sys.executable, "-m", "duijie.api.cli", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120)


def test_cli_import_reports_and_export_round_trips(tmp_path):
    db = tmp_path / "cli.db"
    firms = write_csv(tmp_path / "firms.csv", FIRMS_ZH, "gbk")
    done = run_cli("import", "企业", str(firms), db=db)
    assert done.returncode == 0, done.stderr
    assert "编码：gb18030" in done.stdout and "新建                                3" in \
        done.stdout
    again = run_cli("import", "enterprise", str(firms), "--json", db=db)
    report = json.loads(again.stdout)
    assert (report["ok"], report["rows"], report["created"], report["updated"]) == (
        True, 3, 0, 3)
    assert again.stderr == ""  # no progress bar in a pipe
    out = tmp_path / "graph.jsonl"
    exported = run_cli("export", str(out), db=db)
    assert exported.returncode == 0 and "已导出 3 个节点" in exported.stderr
    to_stdout = run_cli("export", "-", db=db)
    assert to_stdout.stdout == out.read_text(encoding="utf-8")
    restored = run_cli("import", "graph", str(out), db=tmp_path / "restored.db")
    assert restored.returncode == 0, restored.stderr
    with SqliteStore(tmp_path / "restored.db") as store:
        assert dumps_graph(store) == out.read_text(encoding="utf-8")


def test_cli_help_has_examples(tmp_path):
    for command in ("import", "export"):
        done = run_cli(command, "--help", db=tmp_path / "x.db")
        assert done.returncode == 0 and "Example:" in done.stdout


def test_title_row_and_row_number_column_of_a_chinese_form(tmp_path, sqlite_store):
    book = Workbook()
    ws = book.active
    ws.append(["2019年赴西安精准对接企业技术需求汇总表"])
    ws.merge_cells("A1:D1")
    ws.append(["序号", "需求名称", "企业名称", "技术领域"])
    ws.append([1, "高性能碳纤维复合材料成型", "精功（绍兴）复合材料有限公司", "复合材料"])
    ws.append([2, "微特电机噪声控制", "湖州太平微特电机有限公司", "电机"])
    book.save(tmp_path / "form.xlsx")
    table = read_table(tmp_path / "form.xlsx")
    assert table.title == "2019年赴西安精准对接企业技术需求汇总表"
    assert [number for number, _ in table.rows] == [3, 4]  # as Excel numbers them
    report = import_file(sqlite_store, "need", tmp_path / "form.xlsx")
    assert (report.rows, report.created, report.links) == (2, 2, 2)


def test_one_column_file_keeps_its_first_data_row(tmp_path, sqlite_store):
    report = import_file(sqlite_store, "topic",
                         write_csv(tmp_path / "t.csv", [["名称"], ["红外"], ["碳纤维"]]))
    assert report.created == 2


def test_need_id_follows_the_resolved_enterprise(tmp_path, sqlite_store):
    import_file(sqlite_store, "enterprise", write_csv(tmp_path / "firms.csv", FIRMS_ZH))
    for i, firm in enumerate(["浙江大立科技股份有限公司", "大立科技股份有限公司"]):
        rows = [["需求名称", "企业名称", "预算"], ["红外探测器降噪", firm, str(100 + i)]]
        import_file(sqlite_store, "need", write_csv(tmp_path / f"needs{i}.csv", rows))
    (need,) = sqlite_store.find_nodes("Need")
    assert need.props["budget_wan"] == 101.0  # the second import updated the first
    assert len(sqlite_store.find_edges("submitted")) == 1


def test_edges_may_name_their_ends(tmp_path, sqlite_store):
    import_file(sqlite_store, "enterprise", write_csv(tmp_path / "firms.csv", FIRMS_ZH))
    import_file(sqlite_store, "institute",
                write_csv(tmp_path / "inst.csv", [["机构名称"], ["西安交通大学"]]))
    import_file(sqlite_store, "region",
                write_csv(tmp_path / "reg.csv", [["地区名称", "级别"], ["杭州", "市"]]))
    rows = [["起点", "关系", "终点", "年份"],
            ["大立科技", "合作", "西安交通大学", "2019"],  # an alias and a name
            ["浙江大立科技股份有限公司", "位于", "杭州", ""]]
    report = import_file(sqlite_store, "edges", write_csv(tmp_path / "links.csv", rows))
    assert report.edges == 2
    dali = new_id("Enterprise", "credit", "91330000142917542J")
    (coop,) = sqlite_store.find_edges("collaborated_with")
    assert (coop.src, sqlite_store.get_node(coop.dst).name) == (dali, "西安交通大学")
    (loc,) = sqlite_store.find_edges("located_in")
    assert loc.src == dali and sqlite_store.get_node(loc.dst).name == "杭州"


def test_whole_number_cells_of_text_fields_lose_their_point_zero(tmp_path, sqlite_store):
    book = Workbook()
    book.active.append(["行业名称", "行业代码", "同义词"])
    book.active.append(["通用设备制造业", 34.0, 3411])  # Excel keeps numbers as floats
    book.save(tmp_path / "ind.xlsx")
    import_file(sqlite_store, "industry", tmp_path / "ind.xlsx")
    (industry,) = sqlite_store.find_nodes("Industry")
    assert (industry.props["code"], industry.props["synonyms"]) == ("34", ["3411"])


def test_firms_numbered_alike_are_all_created_without_review(tmp_path, sqlite_store):
    rows = [["企业名称", "所在地区"], *[[f"浙江测试{i}号科技有限公司", "杭州"] for i in range(300)]]
    report = import_file(sqlite_store, "企业", write_csv(tmp_path / "numbered.csv", rows))
    assert (report.created, report.merged, report.queued_for_review) == (300, 0, 0)
    assert sqlite_store.list_reviews() == []
    # The same file again lands on the same 300 nodes.
    again = import_file(sqlite_store, "企业", write_csv(tmp_path / "numbered.csv", rows))
    assert (again.created, again.updated) == (0, 300)
    assert sqlite_store.counts()["nodes"] == {"Enterprise": 300}


def test_each_row_is_validated_once(tmp_path, sqlite_store, monkeypatch):
    import duijie.graph.import_rows as import_rows
    import duijie.graph.model as model
    calls = []
    real = model.validate_props

    def counted(kind, props, where="", partial=False):
        calls.append(where)
        return real(kind, props, where, partial)

    monkeypatch.setattr(model, "validate_props", counted)
    monkeypatch.setattr(import_rows, "validate_props", counted)
    rows = [["领域名称", "同义词"], *[[f"领域{i}", f"方向{i}"] for i in range(50)]]
    import_file(sqlite_store, "Topic", write_csv(tmp_path / "topics.csv", rows))
    assert len(calls) == 50  # parse only: the write batch trusts the parsed records
    calls.clear()
    import_file(sqlite_store, "Topic", write_csv(tmp_path / "topics.csv", rows))
    assert len(calls) == 100  # a re-import: records merged with stored ones are checked again
    assert sqlite_store.counts()["nodes"] == {"Topic": 50}


def test_over_long_alias_is_reported_at_its_row(tmp_path, sqlite_store):
    rows = [["企业名称", "别名"], ["浙江大立科技", "大立"], ["湖州太平微特电机", "太" * 301]]
    with pytest.raises(InvalidInput) as caught:
        import_file(sqlite_store, "企业", write_csv(tmp_path / "firms.csv", rows))
    (problem,) = caught.value.problems
    assert problem.startswith("firms.csv, row 3, field 别名: '太太") and problem.endswith(
        "is not a valid alias (1-300 characters)")
    assert line(problem, "zh").endswith("不是有效的别名（1–300 个字符）")
    assert sqlite_store.counts()["nodes"] == {}


def test_expert_documents_from_a_spreadsheet(tmp_path, sqlite_store):
    experts = [["专家姓名", "所在单位", "代表性成果/项目"],
               ["张伟", "西安交通大学",
                "碳纤维缠绕成型工艺（2018）\n大型复合材料构件无损检测；风电叶片、储氢瓶"],
               ["李娜", "西北工业大学",
                '[{"id": "p1", "kind": "paper", "text": "微特电机噪声分析", "year": 2016}]']]
    path = write_xlsx(tmp_path / "experts.xlsx", experts)
    import_file(sqlite_store, "专家", path)
    docs = {n.name: n.props["docs"] for n in sqlite_store.find_nodes("Expert")}
    assert docs["张伟"] == [
        {"id": "d1", "kind": "project", "text": "碳纤维缠绕成型工艺", "year": 2018},
        {"id": "d2", "kind": "project", "text": "大型复合材料构件无损检测"},
        {"id": "d3", "kind": "project", "text": "风电叶片、储氢瓶"}]
    assert docs["李娜"] == [{"id": "p1", "kind": "paper", "text": "微特电机噪声分析",
                             "year": 2016}]
    # The same column in CSV, English header; a bad JSON list names its row and column.
    rows = [["name", "docs"], ["王强", '[{"id": "x"}]']]
    with pytest.raises(InvalidInput) as caught:
        import_file(sqlite_store, "expert", write_csv(tmp_path / "bad.csv", rows))
    assert any(p.startswith("bad.csv, row 2, field docs") for p in caught.value.problems)


def test_a_needs_region_becomes_a_located_in_edge(tmp_path, sqlite_store):
    regions = [["地区名称", "级别", "同义词"], ["嘉兴", "市", "嘉兴市"], ["海盐县", "县", "海盐"],
               ["西安", "市", ""]]
    import_file(sqlite_store, "地区", write_csv(tmp_path / "regions.csv", regions))
    needs = [["需求名称", "企业名称", "所在地区"],
             ["压缩机降噪", "嘉西贝拉", "嘉兴市海盐县"],
             ["复材中试", "精功复材", "绍兴"],  # no Region node: no edge, no error
             ["红外测温", "大立科技", "西安市"]]
    report = import_file(sqlite_store, "需求", write_csv(tmp_path / "needs.csv", needs))
    located = {sqlite_store.get_node(e.src).props["title"]: sqlite_store.get_node(e.dst).name
               for e in sqlite_store.find_edges("located_in")}
    assert located == {"压缩机降噪": "海盐县", "红外测温": "西安"}
    assert report.links == 3 + 2  # three submitters, two regions
