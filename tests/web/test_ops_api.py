"""The organiser's dashboard, review queue, imports and export, through HTTP against a
real `duijie serve` on the seed graph: previews that name every problem and write
nothing, confirms that write once, uploads refused before they are read, and who may
do what."""

from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

import httpx
import pytest

from tests.web.server import Server, ended_job, serve_with_accounts, signed_in

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serve_with_accounts(tmp_path_factory, "ops", [
        ("wang", "organiser", "--name", "王老师"),
        ("jiaxing", "organiser", "--scope", "嘉兴", "--name", "嘉兴分站"),
        ("ail", "enterprise", "--party", "ent:ailaiyi")])


def client(server: Server, username: str) -> httpx.Client:
    return signed_in(server, username)


def upload(http: httpx.Client, name: str, data: bytes, kind: str = "企业") -> dict:
    answer = http.post("/api/imports", data={"kind": kind},
                       files={"file": (name, data, "text/csv")})
    assert answer.status_code == 202, answer.text
    return answer.json()


def finished(http: httpx.Client, job_id: str) -> dict:
    return ended_job(http, f"/api/imports/{job_id}", seconds=60, every=0.05)


def node_count(server: Server) -> int:
    return httpx.get(server.url + "/ready").json()["nodes"]


def exported(http: httpx.Client) -> list[dict]:
    answer = http.get("/api/export")
    assert answer.status_code == 200, answer.text
    return [json.loads(line) for line in answer.text.splitlines() if line.strip()]


def test_a_preview_names_every_problem_by_row_and_field_and_writes_nothing(server):
    before = node_count(server)
    rows = ("企业名称,所在地区,营业收入,员工人数\n"
            "预览测试甲公司,嘉兴,120,30\n"
            "预览测试乙公司,杭州,-5,20\n"
            ",宁波,10,3\n"
            "预览测试丙公司,温州,abc,7\n")
    with client(server, "wang") as http:
        job = upload(http, "名单.csv", rows.encode("gbk"))
        assert job["phase"] == "preview" and job["preview"] is None
        job = finished(http, job["id"])
        preview = job["preview"]
        assert job["status"] == "done" and job["stage"] == "problems"
        assert preview["ok"] is False and preview["encoding"] == "gb18030"
        where = [(p["file"], p["row"], p["field"]) for p in preview["problems"]]
        assert where == [("名单.csv", 3, "营业收入"), ("名单.csv", 4, "企业名称"),
                         ("名单.csv", 5, "营业收入")]
        assert preview["problems"][2]["message"] == "'abc' is not a number"
        # each problem also says what it is as a key with values, for any language
        assert [(p["key"], p["values"]) for p in preview["problems"]] == [
            ("at_least", {"cell": "-5", "limit": 0}), ("required", {}),
            ("not_number", {"cell": "abc"})]
        assert preview["records"] == [] and preview["created"] == 0
        assert node_count(server) == before  # nothing written
        refused = http.post(f"/api/imports/{job['id']}/confirm")
        assert refused.status_code == 409
        assert refused.headers["content-type"] == "application/problem+json"
        assert node_count(server) == before


def test_a_confirm_writes_what_the_preview_showed_once(server):
    before = node_count(server)
    rows = "企业名称,所在地区\n恒峰工具,嘉兴\n确认测试新材料有限公司,湖州\n"
    with client(server, "wang") as http:
        job = finished(http, upload(http, "firms.csv", rows.encode("gbk"))["id"])
        preview = job["preview"]
        assert preview["ok"], preview["problems"]
        actions = {(r["row"], r["action"], r["name"], r["into_name"])
                   for r in preview["records"]}
        assert actions == {(2, "merge", "恒峰工具", "恒锋工具有限公司"),
                           (3, "create", "确认测试新材料有限公司", None)}
        assert node_count(server) == before  # a preview writes nothing
        merges = preview["merges"]
        assert [(m["row"], m["name"], m["into_name"], m["within_file"]) for m in merges] == [
            (2, "恒峰工具", "恒锋工具有限公司", False)]
        assert "same region: 嘉兴" in merges[0]["evidence"]
        page = http.get(f"/imports/{job['id']}", headers={"accept": "text/html"})
        assert page.status_code == 200, page.text
        assert "第 2 行 恒峰工具 → 恒锋工具有限公司" in page.text
        assert "地区相同：嘉兴" in page.text and "same region" not in page.text
        confirmed = http.post(f"/api/imports/{job['id']}/confirm")
        assert confirmed.status_code == 202, confirmed.text
        job = finished(http, job["id"])
        assert job["phase"] == "confirm" and job["status"] == "done", job["error"]
        assert (job["result"]["created"], job["result"]["merged"]) == (1, 1)
        again = http.post(f"/api/imports/{job['id']}/confirm")
        assert again.status_code == 409 and "confirmed already" in again.json()["detail"]
        assert node_count(server) == before + 1
        names = [r["props"].get("name") for r in exported(http) if r.get("kind") == "Enterprise"]
        assert names.count("确认测试新材料有限公司") == 1
        hengfeng = next(r for r in exported(http) if r.get("id") == "ent:hengfeng-tools")
        assert "恒峰工具" in hengfeng["aliases"]


def test_an_upload_over_the_limit_is_refused_before_its_body_is_read(server):
    """Headers declaring 25 MiB (the limit is 20 MiB), and no body sent at all: the
    answer comes at once, so the server cannot have waited for the body."""
    url = urlsplit(server.url)
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sock.sendall(b"POST /api/imports HTTP/1.1\r\nHost: x\r\n"
                     b"Content-Type: multipart/form-data; boundary=b\r\n"
                     b"Content-Length: " + str(25 * 2**20).encode() + b"\r\n\r\n")
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.endswith(b"}"):
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
        answer = answer.decode("utf-8", "replace")
    assert answer.startswith("HTTP/1.1 413"), answer
    assert "application/problem+json" in answer and "20,971,520 bytes" in answer


def test_an_upload_of_another_format_is_a_clear_422(server):
    with client(server, "wang") as http:
        answer = http.post("/api/imports", data={"kind": "企业"},
                           files={"file": ("notes.txt", b"hello", "text/plain")})
        assert answer.status_code == 422
        assert "notes.txt" in answer.json()["detail"]
        unknown_kind = http.post("/api/imports", data={"kind": "飞机"},
                                 files={"file": ("a.csv", b"x\n1\n", "text/csv")})
        assert unknown_kind.status_code == 422 and "飞机" in unknown_kind.json()["detail"]


def test_the_review_queue_shows_names_and_evidence_and_decides_once(server):
    rows = "企业名称\n海康微视\n大力科技\n"
    with client(server, "wang") as http:
        job = finished(http, upload(http, "dupes.csv", rows.encode("utf-8"))["id"])
        assert job["preview"]["queued_for_review"] == 2
        http.post(f"/api/imports/{job['id']}/confirm")
        assert finished(http, job["id"])["result"]["queued_for_review"] == 2
        queue = http.get("/api/reviews").json()
        pairs = {(c["incoming"]["name"], c["candidate"]["name"]): c for c in queue["items"]}
        assert {("海康微视", "海康威视"), ("大力科技", "浙江大立科技")} <= set(pairs)
        case = pairs[("海康微视", "海康威视")]
        codes = {e["code"] for e in case["evidence"]}
        assert "homophones" in codes or "name_similarity" in codes
        assert all(e["code"] != "other" for e in case["evidence"]), case["evidence"]
        rejected = http.post(f"/api/reviews/{case['id']}/decision", json={"decision": "reject"})
        assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
        twice = http.post(f"/api/reviews/{case['id']}/decision", json={"decision": "accept"})
        assert twice.status_code == 409
        assert case["id"] not in {c["id"] for c in http.get("/api/reviews").json()["items"]}
        bad = http.post(f"/api/reviews/{case['id']}/decision", json={"decision": "maybe"})
        assert bad.status_code == 422


def test_the_dashboard_counts_only_the_organisers_scope(server):
    with client(server, "wang") as http:
        office = http.get("/api/dashboard", params={"today": "2019-05-01"}).json()
        assert http.get("/api/dashboard", params={"today": "May 1st"}).status_code == 422
    with client(server, "jiaxing") as http:
        jiaxing = http.get("/api/dashboard", params={"today": "2019-05-01"}).json()
    statuses = [s["status"] for s in office["needs_by_status"]]
    assert statuses == ["submitted", "matched", "met", "signed", "not_pursued", "followed_up"]
    assert office["needs_total"] == sum(s["count"] for s in office["needs_by_status"]) >= 110
    assert 0 < jiaxing["needs_total"] < office["needs_total"]
    assert jiaxing["scope"] == "嘉兴"
    regions = {r["region"] for r in jiaxing["needs_by_region"]}
    assert "嘉兴" in regions and not regions & {"杭州", "宁波", "温州", None}
    assert all(e["start_date"] >= "2019-05-01" for e in office["upcoming_events"])
    assert office["upcoming_events"][0]["name"]  # names, not only ids


def test_an_enterprise_is_refused_every_organiser_action_alike(server):
    with client(server, "wang") as http:
        job = finished(http, upload(http, "ok.csv", "企业名称\n权限测试企业\n".encode())["id"])
        item = http.get("/api/reviews", params={"status": "all"}).json()["items"][0]
    with client(server, "ail") as firm:
        probes = [
            firm.get("/api/dashboard"),
            firm.get("/api/reviews"),
            firm.post(f"/api/reviews/{item['id']}/decision", json={"decision": "accept"}),
            firm.post("/api/reviews/rev-unknown/decision", json={"decision": "accept"}),
            firm.get("/api/imports"),
            firm.get(f"/api/imports/{job['id']}"),
            firm.get("/api/imports/0123456789abcdef"),
            firm.post(f"/api/imports/{job['id']}/confirm"),
            firm.post("/api/imports", data={"kind": "企业"},
                      files={"file": ("x.csv", "企业名称\n越权企业\n".encode(), "text/csv")}),
            firm.get("/api/export"),
        ]
        # Same answer for a real id and an unknown one: the role is checked first.
        assert {p.status_code for p in probes} == {403}, [(p.url, p.status_code) for p in probes]
        assert len({p.json()["detail"] for p in probes}) == 1
        assert firm.get("/reviews", headers={"accept": "text/html"}).status_code == 403
    with client(server, "wang") as http:
        assert "越权企业" not in http.get("/api/export").text
        assert finished(http, job["id"])["phase"] == "preview"  # not confirmed by the firm


def test_a_scoped_organiser_cannot_export_the_whole_office(server):
    with client(server, "jiaxing") as http:
        answer = http.get("/api/export")
    assert answer.status_code == 403 and "region scope" in answer.json()["detail"]
    with client(server, "wang") as http:
        answer = http.get("/api/export")
    assert answer.headers["content-type"] == "application/x-ndjson"
    assert "attachment" in answer.headers["content-disposition"]
    records = [json.loads(line) for line in answer.text.splitlines()]
    assert sum(1 for r in records if r.get("kind") == "Need") >= 110


def test_a_preview_can_be_cancelled_and_then_never_confirmed(server):
    rows = "企业名称\n" + "".join(f"取消测试企业{i}号\n" for i in range(3000))
    with client(server, "wang") as http:
        job = upload(http, "big.csv", rows.encode("utf-8"))
        cancelled = http.post(f"/api/imports/{job['id']}/cancel")
        assert cancelled.status_code == 200
        job = finished(http, job["id"])
        if job["status"] == "cancelled":  # the preview may have finished first
            assert http.post(f"/api/imports/{job['id']}/confirm").status_code == 409
        assert "取消测试企业1号" not in http.get("/api/export").text


def test_a_file_refused_whole_says_so_as_a_key_with_values(server):
    with client(server, "wang") as http:
        job = finished(http, upload(http, "空表.csv", "企业名称,所在地区\n".encode())["id"])
        (problem,) = job["preview"]["problems"]
        assert (problem["file"], problem["row"], problem["field"]) == ("空表.csv", None, None)
        assert (problem["key"], problem["message"]) == (
            "file_no_rows", "has a header row but no data rows")
        job = finished(http, upload(http, "表头.csv", "企业名称,身高\n甲公司,1\n".encode())["id"])
        (problem,) = job["preview"]["problems"]
        assert problem["key"] == "header_unknown" and problem["values"]["column_name"] == "身高"
