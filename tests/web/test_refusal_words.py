"""Duijie's own refusals read right in both languages, with what and where, through the
real CLI (a subprocess on the served SQLite file) and the real pages of `duijie serve`
(HTTP, the page's form with its CSRF token), both worded from `graph/refusals.toml`:
closing a problem with no answer, a step dated before its problem, an official with
capacity 0, an unknown programme to push, a region with no firms, a stale theme edit.

The command line's wording may name its option (``--answer``); a page's never does.
"""

from __future__ import annotations

import html
import json
import os
import re

import httpx
import pytest

from tests.api.test_cli import run
from tests.web.server import PASSWORD, ended_job, serve_with_accounts, signed_in

ENGLISH = {**os.environ, "DUIJIE_LANG": "en"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serve_with_accounts(tmp_path_factory, "refusals", [
        ("wang", "organiser", "--name", "王老师")])


@pytest.fixture(scope="module")
def pages(server) -> tuple[httpx.Client, str]:
    """A browser-like client (the session cookie) and the CSRF token of its forms."""
    answer = httpx.post(server.url + "/api/session",
                        json={"username": "wang", "password": PASSWORD}).json()
    client = httpx.Client(base_url=server.url, timeout=120,
                          cookies={"duijie_session": answer["token"]},
                          headers={"Accept": "text/html"})
    return client, answer["csrf"]


@pytest.fixture(scope="module")
def api(server) -> httpx.Client:
    return signed_in(server, "wang")


@pytest.fixture(scope="module")
def problem(api) -> str:
    """A problem of 浙江大立科技 opened on 2019-12-02, with no answer yet."""
    made = api.post("/api/problems", json={
        "firm_id": "ent:dali-technology", "title": "用地指标紧张", "opened_on": "2019-12-02"})
    assert made.status_code in (200, 201), made.text
    return made.json()["id"]


def refusal(page: httpx.Response) -> str:
    """The text of the page's refusal (`id="refusal"`), as a reader sees it."""
    found = re.search(r'id="refusal"[^>]*>(.*?)</p>', page.text, re.DOTALL)
    assert found, page.text[:3000]
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()


def cli(server, *args: str, english: bool = False) -> tuple[int, str]:
    done = run(*args, db=server.db, env=ENGLISH if english else None)
    return done.returncode, done.stderr.strip()


def test_closing_a_problem_with_no_answer(server, pages, api, problem) -> None:
    assert cli(server, "problem", "close", problem, "--seen", "2019-12-20") == (
        2, "错误：问题“用地指标紧张”：销号须有办理答复：请用 --answer 写明企业收到的答复")
    assert cli(server, "problem", "close", problem, "--seen", "2019-12-20", english=True) == (
        2, "error: problem 用地指标紧张: closing needs a recorded answer: give the answer the "
           "firm received (--answer)")
    client, csrf = pages
    for lang, said in (("zh", "问题“用地指标紧张”：销号须有办理答复：请写明企业收到的答复"),
                       ("en", "problem 用地指标紧张: closing needs a recorded answer: give the "
                              "answer the firm received")):
        page = client.post(f"/problems/{problem}/close?lang={lang}",
                           data={"seen": "2019-12-20", "csrf_token": csrf})
        assert page.status_code == 422 and refusal(page) == said
    assert api.get(f"/api/problems/{problem}").json()["state"] != "closed"  # nothing written


def test_a_step_dated_before_its_problem(server, pages, problem) -> None:
    assert cli(server, "problem", "step", problem, "电话回访", "--on", "2019-11-30") == (
        2, "错误：问题“用地指标紧张”，步骤日期：“2019-11-30” 早于问题立案日期（2019-12-02）")
    assert cli(server, "problem", "step", problem, "电话回访", "--on", "2019-11-30",
               english=True) == (2, "error: problem 用地指标紧张, step date: '2019-11-30' is "
                                    "before the problem was opened (2019-12-02)")
    client, csrf = pages
    for lang, said in (("zh", "问题“用地指标紧张”，步骤日期："
                              "“2019-11-30” 早于问题立案日期（2019-12-02）"),
                       ("en", "problem 用地指标紧张, step date: '2019-11-30' is before the "
                              "problem was opened (2019-12-02)")):
        page = client.post(f"/problems/{problem}/step?lang={lang}", data={
            "text": "电话回访", "on": "2019-11-30", "csrf_token": csrf})
        assert page.status_code == 422 and refusal(page) == said


def test_an_official_with_capacity_zero(server, pages, api) -> None:
    args = ("official", "add", "休假", "--department", "综合处", "--capacity", "0")
    assert cli(server, *args) == (2, "错误：联系干部 休假，可联系企业数：休假 的可联系企业数为 0："
                                     "在岗干部至少联系 1 家企业，请设为 1 或更多")
    assert cli(server, *args, english=True) == (
        2, "error: official 休假, capacity: 休假 has capacity 0: an official on duty keeps "
           "contact with at least one firm; give 1 or more")
    client, csrf = pages
    sent = client.post("/contacts/officials", data={
        "name": "休假", "department": "综合处", "capacity": "0", "csrf_token": csrf})
    assert sent.status_code == 303 and "refused=" in sent.headers["location"]
    back = sent.headers["location"].split("#")[0]
    assert refusal(client.get(back + "&lang=zh")) == (
        "联系干部 休假，可联系企业数：休假 的可联系企业数为 0：在岗干部至少联系 1 家企业，"
        "请设为 1 或更多")
    assert refusal(client.get(back + "&lang=en")) == (
        "official 休假, capacity: 休假 has capacity 0: an official on duty keeps contact with "
        "at least one firm; give 1 or more")
    assert "休假" not in api.get("/api/officials").text  # nothing written


def test_an_address_someone_altered_shows_no_refusal(pages) -> None:
    """A page's address carries the refusal as data; one that is not Duijie's (an
    unknown key, values that do not fit) is not shown at all."""
    client, _ = pages
    for data in ({"said": {"key": "contacts.nope", "params": {}}},
                 {"said": {"key": "contacts.zero_capacity", "params": {}}}):
        page = client.get("/contacts", params={"refused": json.dumps(data)})
        assert page.status_code == 200 and 'id="refusal"' not in page.text


def test_an_unknown_programme_to_push(server, pages) -> None:
    assert cli(server, "push", "prog:nope") == (3, "错误：政策项目：“prog:nope” 不是政策项目")
    assert cli(server, "push", "prog:nope", english=True) == (
        3, "error: programme: 'prog:nope' is not a programme")
    client, _ = pages
    for lang, said in (("zh", "政策项目：“prog:nope” 不是政策项目"),
                       ("en", "programme: 'prog:nope' is not a programme")):
        page = client.get("/push", params={"programme": "prog:nope", "lang": lang})
        assert page.status_code == 404 and refusal(page) == said


def test_a_region_with_no_firms(server, pages) -> None:
    code, said = cli(server, "map", "--region", "拉萨")
    assert code == 3 and re.fullmatch(r"错误：地区(（相近：[^）]+）)?：“拉萨” 在图中没有企业",
                                      said), said
    code, said = cli(server, "map", "--region", "拉萨", english=True)
    assert code == 3 and re.fullmatch(r"error: region( \(close: [^)]+\))?: '拉萨' has no firms "
                                      r"in the graph", said), said
    client, _ = pages
    zh = refusal(client.get("/map", params={"region": "拉萨", "lang": "zh"}))
    assert zh == said_zh(cli(server, "map", "--region", "拉萨")[1])  # the CLI's words
    en = refusal(client.get("/map", params={"region": "拉萨", "lang": "en"}))
    assert en == said.removeprefix("error: ")


def said_zh(line: str) -> str:
    return line.removeprefix("错误：")


def test_a_stale_theme_edit(server, api) -> None:
    listed = run("challenges", "--suppliers", "0", "--json", db=server.db)
    assert listed.returncode == 0, listed.stderr
    theme = json.loads(listed.stdout)["themes"][0]
    stale = str(theme["rev"] + 7)
    assert cli(server, "challenges", "rename", theme["id"], "新名称", "--rev", stale) == (
        4, f"错误：主题：“{theme['id']}” 在列出后已有变化（他人编辑或新需求重新聚类）："
           "请重新列出需求榜单")
    assert cli(server, "challenges", "rename", theme["id"], "新名称", "--rev", stale,
               english=True) == (4, f"error: theme: '{theme['id']}' has changed since it was "
                                    "listed (another edit, or new needs regrouped it); list the "
                                    "challenges again")
    answer = api.post(f"/api/challenges/{theme['id']}/rename",
                      json={"name": "新名称", "rev": int(stale)})
    assert answer.status_code == 409
    body = answer.json()  # the English line, and the key to word it in any language
    assert (body["key"], body["params"]) == ("challenges.stale_theme", {})
    assert body["detail"].startswith(f"theme: '{theme['id']}' has changed since it was listed")


def test_a_stale_edit_of_an_official_names_them_not_their_id(server, pages, api) -> None:
    """Someone changed the official since the form was read: said by name on the page
    (the record's id stays in the address), in the page's language."""
    official = api.post("/api/officials", json={"name": "赵敏", "department": "综合处",
                                                "capacity": 5}).json()
    client, csrf = pages
    sent = client.post(f"/contacts/{official['id']}/edit", data={
        "capacity": "9", "rev": str(official["rev"] + 5), "csrf_token": csrf})
    assert sent.status_code == 303 and "refused=" in sent.headers["location"]
    back = sent.headers["location"].split("#")[0]
    was, now = official["rev"] + 5, official["rev"]
    assert refusal(client.get(back + "&lang=zh")) == (
        f"联系干部 赵敏：读取后已被他人修改（读取时第 {was} 版，现为第 {now} 版）："
        "请重新读取后再试")
    assert refusal(client.get(back + "&lang=en")) == (
        f"official 赵敏: was changed by someone else since it was read (revision {was}, now "
        f"{now}): reload and try again")
    stored = [o for o in api.get("/api/officials").json()["officials"] if o["name"] == "赵敏"]
    assert [o["capacity"] for o in stored] == [5]  # nothing written


def test_an_event_with_nothing_scheduled(server, pages, api) -> None:
    """Its agenda (the CLI: by the participant's name) and publishing it (the planner
    page) are refused in the reader's language; the CLI names the command to run."""
    made = api.post("/api/events", json={"name": "空排期对接会", "event_id": "evt:unscheduled",
                                         "days": ["2030-03-02"]})
    assert made.status_code == 201, made.text
    args = ("event", "agenda", "evt:unscheduled", "--format", "csv")
    assert cli(server, *args) == (2, "错误：“空排期对接会”日程：没有已排期的会谈："
                                     "请先运行 duijie event schedule evt:unscheduled")
    assert cli(server, *args, "--participant", "ent:dali-technology", english=True) == (
        2, "error: agenda of 空排期对接会: 浙江大立科技 has no scheduled meetings: "
           "run `duijie event schedule evt:unscheduled` first")
    client, csrf = pages
    sent = client.post("/events/evt:unscheduled/publish", data={"csrf_token": csrf})
    assert sent.status_code == 303 and "refused=" in sent.headers["location"]
    back = sent.headers["location"].split("#")[0]
    assert refusal(client.get(back + "&lang=zh")) == (
        "未能完成: 发布“空排期对接会”：没有可发布的已排期会谈：请先为活动排期")
    assert refusal(client.get(back + "&lang=en")) == (
        "Could not do that: publishing 空排期对接会: has no scheduled meetings to publish: "
        "schedule the event first")
    assert api.get("/api/events/evt:unscheduled").json()["status"] != "published"


def test_need_edits_refused_name_the_need(api) -> None:
    """A need's edit refusals name it by its title (the API's key and English line): a
    title cleared, and a stale revision; nothing is written."""
    made = api.post("/api/needs", json={"firm_id": "ent:dali-technology",
                                        "title": "红外芯片封装良率"})
    assert made.status_code == 201, made.text
    need = made.json()
    cleared = api.patch(f"/api/needs/{need['id']}", json={"title": None, "rev": need["rev"]})
    assert cleared.status_code == 422
    assert (cleared.json()["key"], cleared.json()["detail"]) == (
        "needs.title_required", "need 红外芯片封装良率, title: is required")
    stale = api.patch(f"/api/needs/{need['id']}", json={"text": "新说明",
                                                       "rev": need["rev"] + 3})
    assert stale.status_code == 409
    assert (stale.json()["key"], stale.json()["detail"]) == (
        "stale.changed", f"need 红外芯片封装良率: was changed by someone else since it was read "
                         f"(revision {need['rev'] + 3}, now {need['rev']}): reload and try again")
    again = api.get(f"/api/needs/{need['id']}").json()
    assert (again["title"], again["rev"], again.get("text")) == (
        "红外芯片封装良率", need["rev"], need.get("text"))


def test_confirming_an_import_with_problems(server, pages, api) -> None:
    """The import page's confirm of a file with problems is refused by the file's name
    (not the job's id), in the page's language; nothing is written."""
    upload = api.post("/api/imports", data={"kind": "企业"}, files={
        "file": ("无名企业.csv", "企业名称,所在地区\n,嘉兴\n".encode(), "text/csv")})
    assert upload.status_code == 202, upload.text
    job = ended_job(api, f"/api/imports/{upload.json()['id']}", phase="preview")
    assert not job["preview"]["ok"]
    client, csrf = pages
    for lang, said in (("zh", "导入“无名企业.csv”：有问题：请修正文件后重新上传"),
                       ("en", "import of 无名企业.csv: has problems: fix the file and upload it "
                              "again")):
        page = client.post(f"/imports/{job['id']}/confirm?lang={lang}",
                           data={"csrf_token": csrf})
        assert page.status_code == 409 and refusal(page) == said
    assert api.get(f"/api/imports/{job['id']}").json()["phase"] == "preview"


def test_deciding_an_unknown_review_item(pages) -> None:
    client, csrf = pages
    for lang, said in (("zh", "合并审核：“rv:nope” 不是审核条目"),
                       ("en", "review: 'rv:nope' is not a review item")):
        page = client.post(f"/reviews/rv:nope?lang={lang}",
                           data={"decision": "accept", "csrf_token": csrf})
        assert page.status_code == 404 and refusal(page) == said


def test_an_official_whose_title_is_too_long(server, api) -> None:
    """The record's schema refuses it in the reader's language, by the official's name."""
    args = ("official", "add", "长职务", "--department", "综合处", "--capacity", "3",
            "--title", "职" * 301)
    shown = "职" * 57 + "…"
    assert cli(server, *args) == (
        2, f"错误：联系干部 长职务：属性有误\n  字段 title：{shown} 超过 300 个字符")
    assert cli(server, *args, english=True) == (
        2, f"error: official 长职务: invalid properties\n  field title: {shown} is longer "
           "than 300 characters")
    assert "长职务" not in api.get("/api/officials").text  # nothing written
