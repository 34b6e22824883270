"""Challenge lists: the same needs give the same themes, organisers' edits survive
re-clustering (new needs join pinned themes), stale edits are refused whole, a region or
industry with no firms is named, confidential needs reach organisers only, and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from duijie.api.services.access import Viewer
from duijie.api.services.challenges import (
    challenge_lists,
    merge_themes,
    recompute_challenges,
    rename_theme,
    split_theme,
)
from duijie.graph.errors import Conflict, Forbidden, InvalidInput, NotFound
from duijie.graph.model import Edge, Node
from duijie.graph.sqlite_store import SqliteStore
from duijie.matcher.challenges import ClusteringCancelled
from tests.api.test_cli import run

CARBON = ["碳纤维复合材料成型工艺优化", "碳纤维复合材料轻量化车身", "碳纤维复合材料回收再利用",
          "碳纤维预浸料复合材料缺陷检测"]
INFRARED = ["红外探测器灵敏度提升", "非制冷红外探测器封装", "红外探测器读出电路噪声"]
DYEING = ["印染废水脱色处理", "印染废水中水回用", "数码印花染料废水"]


def _write(store, firms: dict[str, tuple[str, str, list[str]]], confidential=()):
    with store.batch() as b:
        for firm_id, (region, industry, titles) in firms.items():
            b.upsert_node(Node(firm_id, "Enterprise", {"name": f"{firm_id[4:]}公司",
                                                         "region": region, "industry": industry}))
            for i, title in enumerate(titles):
                need_id = f"need:{firm_id[4:]}-{i}"
                b.upsert_node(Node(need_id, "Need", {"title": title},
                                   confidentiality="confidential" if need_id in confidential
                                   else "public"))
                b.upsert_edge(Edge(firm_id, "submitted", need_id))


FIRMS = {
    "ent:a": ("绍兴", "新材料", CARBON[:2] + INFRARED[:1]),
    "ent:b": ("杭州", "新材料", CARBON[2:] + DYEING[:1]),
    "ent:c": ("绍兴", "纺织印染", DYEING[1:] + INFRARED[1:]),
}


@pytest.fixture
def store(db_path: Path):
    store = SqliteStore(db_path)
    _write(store, FIRMS, confidential={"need:c-0"})
    yield store
    store.close()


def _groups(lists) -> set[frozenset[str]]:
    return {frozenset(n.id for n in t.needs) for t in lists.themes}


def test_same_needs_same_themes_and_the_k_is_chosen_by_silhouette(store) -> None:
    first = challenge_lists(store, suppliers=0)
    assert _groups(first) == _groups(challenge_lists(store, suppliers=0))
    again = challenge_lists(store, suppliers=0)
    assert [t.id for t in first.themes] == [t.id for t in again.themes]
    assert first.k == 3 and first.silhouette is not None and "silhouette" in first.criterion
    assert first.silhouette == max(first.tried.values())
    carbon = next(t for t in first.themes if "need:a-0" in {n.id for n in t.needs})
    assert {n.id for n in carbon.needs} == {"need:a-0", "need:a-1", "need:b-0", "need:b-1"}
    assert "碳纤维" in carbon.name and not {"技术", "提升"} & set(carbon.terms)
    assert [f["name"] for f in carbon.firms] == ["a公司", "b公司"]


def test_edits_survive_new_needs_and_stale_edits_write_nothing(store) -> None:
    lists = challenge_lists(store, suppliers=0)
    by_need = {n.id: t for t in lists.themes for n in t.needs}
    infrared, dyeing = by_need["need:a-2"], by_need["need:b-2"]
    rename_theme(store, infrared.id, "红外探测榜", rev=infrared.rev)
    # A listing reads the stored themes: a new need waits for the next run ...
    _write(store, {"ent:d": ("宁波", "光电", ["红外探测器标定"])})
    waiting = challenge_lists(store, suppliers=0)
    assert waiting.unthemed == 1 and waiting.computed_at == lists.computed_at
    assert "need:d-0" not in {n.id for t in waiting.themes for n in t.needs}
    # ... which puts it in the renamed theme; the grouping of others holds.
    run = recompute_challenges(store)
    assert run.pinned == run.themes == len(lists.themes)  # an edit pinned every theme
    after = challenge_lists(store, suppliers=0)
    assert after.unthemed == 0 and after.computed_at == run.computed_at
    renamed = next(t for t in after.themes if t.id == infrared.id)
    assert renamed.name == "红外探测榜" and renamed.pinned and renamed.rev > infrared.rev
    assert "need:d-0" in {n.id for n in renamed.needs}
    assert _groups(lists) <= _groups(after) | {frozenset(n.id for n in infrared.needs)}
    # The theme listed before the rename is stale now: refused, nothing written.
    with pytest.raises(Conflict):
        rename_theme(store, infrared.id, "别的名字", rev=infrared.rev)
    with pytest.raises(Conflict):
        merge_themes(store, [dyeing.id, infrared.id], revs=[dyeing.rev + 5, renamed.rev])
    assert {t.id: t.name for t in challenge_lists(store, suppliers=0).themes} == {
        t.id: t.name for t in after.themes}


def test_merge_then_split(store) -> None:
    lists = challenge_lists(store, suppliers=0)
    by_need = {n.id: t for t in lists.themes for n in t.needs}
    carbon, dyeing = by_need["need:a-0"], by_need["need:b-2"]
    merge_themes(store, [carbon.id, dyeing.id], revs=[carbon.rev, dyeing.rev], name="材料与环保")
    merged = {t.id: t for t in challenge_lists(store, suppliers=0).themes}
    assert dyeing.id not in merged and merged[carbon.id].name == "材料与环保"
    assert len(merged[carbon.id].needs) == len(carbon.needs) + len(dyeing.needs)
    moved = [n.id for n in dyeing.needs]
    with pytest.raises(InvalidInput):
        split_theme(store, carbon.id, ["need:nope"], rev=merged[carbon.id].rev)
    edited = split_theme(store, carbon.id, moved, rev=merged[carbon.id].rev, name="印染废水")
    themes = {t.id: t for t in challenge_lists(store, suppliers=0).themes}
    assert themes[edited.theme_ids[1]].name == "印染废水"
    assert {n.id for n in themes[edited.theme_ids[1]].needs} == set(moved)
    assert {n.id for n in themes[carbon.id].needs} == {n.id for n in carbon.needs}


def test_scope_filters_and_names_an_empty_place(store) -> None:
    shaoxing = challenge_lists(store, region="绍兴", suppliers=0)
    firms = {f["id"] for t in shaoxing.themes for f in t.firms}
    assert firms == {"ent:a", "ent:c"}
    textile = challenge_lists(store, industry="纺织印染", suppliers=0)
    assert {f["id"] for t in textile.themes for f in t.firms} == {"ent:c"}
    with pytest.raises(NotFound, match="no firms"):
        challenge_lists(store, region="拉萨")
    with pytest.raises(NotFound, match="no firms"):
        challenge_lists(store, region="绍兴", industry="光电")


def test_confidential_needs_only_for_organisers(store) -> None:
    organiser = challenge_lists(store, suppliers=0, viewer=Viewer.organiser("u1"))
    assert "need:c-0" in {n.id for t in organiser.themes for n in t.needs}
    with pytest.raises(Forbidden):
        challenge_lists(store, viewer=Viewer.enterprise("u2", "ent:a"))


def test_seed_themes_rank_suppliers(tmp_path: Path) -> None:
    from duijie.api.services.seeding import load_seed

    store = SqliteStore(tmp_path / "seed.db")
    load_seed(store)
    lists = challenge_lists(store, suppliers=3)
    assert lists.count >= 2
    theme = lists.themes[0]
    kinds = {s.kind for s in theme.suppliers}
    assert kinds <= {"Expert", "Institute"} and kinds and all(s.name for s in theme.suppliers)
    # themes are named by their subjects, never by the verbs of a need's sentence
    sentence_words = {"达到", "下降", "偏大", "存在", "时间", "完成", "期内", "成为", "讨论"}
    assert not [t.terms for t in lists.themes if sentence_words & set(t.terms)]
    store.close()


def test_cli_lists_json_edits_and_refuses_stale(store, db_path: Path) -> None:
    store.close()
    listed = run("challenges", "--suppliers", "0", "--json", db=db_path)
    assert listed.returncode == 0, listed.stderr
    data = json.loads(listed.stdout)
    theme = data["themes"][0]
    assert {"id", "name", "terms", "rev", "needs", "firms", "suppliers"} <= set(theme)
    assert all(n["title"] and n["firm_name"] for n in theme["needs"])
    ok = run("challenges", "rename", theme["id"], "新名字", "--rev", str(theme["rev"]),
             db=db_path)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith(f"已重命名：{theme['id']}（")  # one language
    stale = run("challenges", "rename", theme["id"], "再改", "--rev", str(theme["rev"]),
                db=db_path)
    assert stale.returncode == 4 and "请重新列出需求榜单" in stale.stderr
    empty = run("challenges", "--region", "拉萨", db=db_path)
    assert empty.returncode == 3 and "拉萨" in empty.stderr and "Traceback" not in empty.stderr
    text = run("challenges", "--suppliers", "0", db=db_path)
    assert text.returncode == 0 and "新名字" in text.stdout


def test_a_run_replaces_unedited_themes_and_is_for_unscoped_organisers(store) -> None:
    first = challenge_lists(store, suppliers=0)
    assert not any(t.pinned for t in first.themes) and all(t.rev == 1 for t in first.themes)
    with pytest.raises(Forbidden):
        recompute_challenges(store, viewer=Viewer.organiser("u", "绍兴"))
    _write(store, {"ent:d": ("宁波", "光电", ["红外探测器标定", "红外探测器封装工艺"])})
    run = recompute_challenges(store)
    assert run.pinned == 0 and run.needs == 12
    again = challenge_lists(store, suppliers=0)
    assert again.needs_total == 12 and again.unthemed == 0
    # Same needs, same themes: a second run stores the same groups under the same ids.
    recompute_challenges(store)
    assert _groups(challenge_lists(store, suppliers=0)) == _groups(again)


def test_suppliers_for_an_organiser_of_one_region_are_of_that_region(tmp_path: Path) -> None:
    from duijie.api.services.seeding import load_seed

    store = SqliteStore(tmp_path / "seed.db")
    load_seed(store)
    scoped = Viewer.organiser("u", "西安")
    experts = {n.id: n.props.get("region") or "" for n in store.find_nodes("Expert", limit=10**5)}
    everyone = challenge_lists(store, suppliers=5)
    offered = {s.id for t in everyone.themes for s in t.suppliers if s.kind == "Expert"}
    assert any("西安" not in experts[e] for e in offered)  # else this test shows nothing
    mine = challenge_lists(store, suppliers=5, viewer=scoped)
    shown = {s.id for t in mine.themes for s in t.suppliers if s.kind == "Expert"}
    assert shown and all("西安" in experts[e] for e in shown)
    store.close()


def test_a_run_reports_its_stages_and_a_cancel_writes_nothing(store) -> None:
    first = challenge_lists(store, suppliers=0)
    before = {t.id: t.rev for t in first.themes}
    heard: list[tuple[str, int, int]] = []
    _write(store, {"ent:d": ("宁波", "光电", ["红外探测器标定", "红外探测器封装工艺"])})
    with pytest.raises(ClusteringCancelled) as stopped:
        recompute_challenges(store, progress=lambda *a: heard.append(a),
                             cancelled=lambda: any(s == "choosing_k" for s, _, _ in heard))
    assert stopped.value.exit_code == 130 and "choosing_k" in str(stopped.value)
    assert {t.id: t.rev for t in challenge_lists(store, suppliers=0).themes} == before
    assert challenge_lists(store, suppliers=0).unthemed == 2  # the new needs wait still
    # A cancel after the last stage but before the write still writes nothing.
    with pytest.raises(ClusteringCancelled):
        recompute_challenges(store, cancelled=lambda: any(s == "naming" for s, _, _ in heard),
                             progress=lambda *a: heard.append(a))
    assert {t.id: t.rev for t in challenge_lists(store, suppliers=0).themes} == before
    heard.clear()
    run = recompute_challenges(store, progress=lambda *a: heard.append(a))
    stages = [s for s, _, _ in heard]
    assert stages[0] == "reading" and stages[-1] == "storing" and run.needs == 12
    assert [s for s in dict.fromkeys(stages)] == [
        "reading", "vectorising", "choosing_k", "fitting", "naming", "storing"]
    counted = [(d, t) for s, d, t in heard if s == "choosing_k"]
    assert [d for d, _ in counted] == list(range(len(counted))) and counted[0][1] == len(counted)
    assert challenge_lists(store, suppliers=0).unthemed == 0


def test_cli_recompute_shows_its_stages(store, db_path: Path) -> None:
    store.close()
    done = run("challenges", "recompute", "--json", db=db_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["needs"] == 10  # stdout stays JSON; stages on stderr
    lines = done.stderr.splitlines()
    assert lines[0] == "聚类：正在读取未结需求" and lines[-1].startswith("聚类：正在保存主题")
    assert any(line.startswith("聚类：正在比较不同的主题数") and "共" in line for line in lines)
