"""The seed data says only what is true of real organisations (issue 10, part 1).

Both ways: no invented fact sits on a real organisation, and every invented
record is flagged, named so no real body holds the name, and written in one
technical field's own words. Published figures keep their qualifier and quote.
"""

from __future__ import annotations

import pytest

from duijie.graph.fields import FIELDS, foreign_terms
from duijie.graph.model import Node

ORGANISATIONS = ("Enterprise", "Institute")
PEOPLE = ("Expert",)


def invented(record) -> bool:
    return bool(record.props.get("illustrative"))


def test_no_invented_fact_touches_a_real_organisation(nodes, edges):
    real = {i for i, n in nodes.items() if n.kind in ORGANISATIONS + PEOPLE and not invented(n)}
    assert len(real) >= 50
    touching = [(e.src, e.kind, e.dst) for e in edges if invented(e) and {e.src, e.dst} & real]
    assert touching == []
    # A real organisation's needs are the documents' own, each with its quote.
    for e in edges:
        if e.kind == "submitted" and e.src in real:
            need = nodes[e.dst]
            assert not invented(need), need.id
            assert any(p.source.startswith("seed:") and p.quote for p in need.provenance), need.id


def test_no_invented_need_is_said_to_be_handled_by_a_real_office(nodes):
    # an office's or a division's name (…厅, …局, …处) as the handler of an invented need
    # would be an invented fact about that office
    invented_needs = [n for n in nodes.values() if n.kind == "Need" and invented(n)]
    assert len(invented_needs) >= 50
    handled = [(n.id, n.props["owner"]) for n in invented_needs
               if any(w in n.props.get("owner", "") for w in ("厅", "局", "处", "委", "部"))]
    assert handled == []


def test_a_real_organisation_is_sourced_and_carries_no_invented_figure(nodes):
    for node in nodes.values():
        if node.kind not in ORGANISATIONS or invented(node):
            continue
        sources = [p.source for p in node.provenance]
        assert sources and all(s.startswith(("seed:", "public:")) for s in sources), node.id
        assert all(p.quote for p in node.provenance), node.id
        assert not {"revenue_wan", "employees", "rd_ratio_pct", "founded_year", "flags"} & set(
            node.props), node.id
        assert not node.name.startswith("示例"), node.id


def test_every_invented_organisation_and_person_is_flagged_and_named_as_invented(nodes):
    people = [n for n in nodes.values() if n.kind in PEOPLE]
    assert people and all(invented(x) for x in people)
    for node in nodes.values():
        if node.kind in ORGANISATIONS + PEOPLE and invented(node):
            assert node.name.startswith(("示例", "Example ")), (node.id, node.name)
            assert [p.source for p in node.provenance] == ["illustrative"], node.id


def test_invented_outcomes_sit_on_invented_needs_and_helpers(nodes, edges):
    for e in edges:
        if e.kind in ("met", "signed", "collaborated_with", "awarded"):
            ends = [nodes[e.src], nodes[e.dst]]
            if e.kind in ("met", "signed") and not invented(e):
                continue  # the documents' own (豪庭家具 met 浙江大学 experts …)
            assert invented(e), e
            assert all(invented(n) for n in ends if n.kind in ORGANISATIONS + PEOPLE + ("Need",))


def _field_of(node: Node, topics: dict[str, list[str]], slug_of: dict[str, str]) -> str:
    """A need's one topic, or an expert's one field, as a topic slug."""
    if node.kind == "Need":
        (topic,) = topics[node.id]
        return topic
    (field,) = node.props["fields"]
    return slug_of[field]


def test_every_illustrative_text_uses_only_its_own_fields_terms(nodes, edges):
    slug_of = {n.name: i.removeprefix("topic:") for i, n in nodes.items() if n.kind == "Topic"}
    topics: dict[str, list[str]] = {}
    for e in edges:
        if e.kind == "about_topic":
            topics.setdefault(e.src, []).append(e.dst.removeprefix("topic:"))
    checked, mixed = 0, []
    for node in nodes.values():
        if not invented(node) or node.kind not in ("Need", "Expert"):
            continue
        field = _field_of(node, topics, slug_of)
        assert field in FIELDS, (node.id, field)
        texts = ([node.props["title"] + "。" + node.props["text"]] if node.kind == "Need"
                 else [d["title"] + "。" + d["text"] for d in node.props["docs"]])
        for text in texts:
            checked += 1
            if foreign := foreign_terms(text, field):
                mixed.append((node.id, field, sorted(foreign)))
    assert checked >= 200
    assert mixed == []


def test_a_text_mixing_fields_is_caught():
    # The kind of sentence the old templates wrote: a big-data method in a coatings text.
    assert foreign_terms("采用深度学习与点云揭示了防腐涂层失效的机理", "functional-coatings") == {
        "深度学习", "点云"}


def test_each_technology_need_states_problem_method_and_goal_of_one_case(nodes):
    cases = {c.title: c for f in FIELDS.values() for c in f.cases}
    technology = [n for n in nodes.values() if n.kind == "Need" and invented(n)
                  and n.props["need_type"] == "technology"]
    assert len(technology) >= 50
    for need in technology:
        case = cases[need.props["title"]]
        for part in (case.product, case.problem, case.method, case.result):
            assert part in need.props["text"], (need.id, part)


def _figures(nodes, event_id):
    return {(f["measure"], f["value"]): f for f in nodes[event_id].props["figures"]}


@pytest.mark.parametrize(("event_id", "measure", "value", "qualifier", "quote"), [
    ("evt:xian-docking-2019-05", "firms", 11, "exact", "11家企业"),
    ("evt:xian-docking-2019-05", "cooperation_reached", 8, "exact", "8家企业达成合作"),
    ("evt:zhoushan-expert-visits", "experts", 40, "more_than", "40余名"),
    ("evt:zhoushan-expert-visits", "projects", 10, "more_than", "10多项"),
    ("evt:quzhou-zheshang-return-visits", "firms", 20, "more_than", "20余家"),
    ("evt:international-carriers-service", "agreements", 20, "nearly", "近20个"),
    ("evt:shaoxing-challenge-list-2023", "needs", 164, "exact", "164 项"),
    ("evt:shaoxing-challenge-list-2023", "projects", 23, "exact", "23 项"),
    ("evt:zj-eit-sanfuwu-2019-h1", "problems", 29, "exact", "29件"),
    ("evt:shandong-key-firm-problem-triage-2019-12", "problems", 100, "nearly", "近百条"),
])
def test_published_figures_keep_qualifier_and_quote(nodes, event_id, measure, value, qualifier,
                                                    quote):
    figure = _figures(nodes, event_id)[(measure, value)]
    assert figure["qualifier"] == qualifier and quote in figure["quote"]
    # The quote is also a provenance of the event, so the build checks it is verbatim.
    assert figure["quote"] in [p.quote for p in nodes[event_id].provenance]


def test_approximate_figures_are_not_flattened_into_exact_counts(nodes):
    for node in nodes.values():
        if node.kind != "Event":
            continue
        for figure in node.props.get("figures", []):
            if figure["qualifier"] != "exact" and figure["measure"] in node.props:
                assert node.props[figure["measure"]] != figure["value"], (node.id, figure)


# -- wherever a person reads an invented record, it is marked 示意 -----------------------

@pytest.fixture(scope="module")
def seeded_store(tmp_path_factory):
    from duijie.api.services.seeding import load_seed
    from duijie.graph.sqlite_store import SqliteStore

    store = SqliteStore(tmp_path_factory.mktemp("honest") / "duijie.db")
    load_seed(store)
    yield store
    store.close()


def test_recommendations_and_their_paths_mark_invented_records(seeded_store):
    from duijie.api.services.recommendations import recommend_for_need

    answer = recommend_for_need(seeded_store, "need:ailaiyi-digital-project-policy",
                                kind="institute", k=10).to_dict()
    nodes = seeded_store.get_nodes({i["id"] for i in answer["items"]}
                                   | {n for i in answer["items"]
                                      for p in i["explanation"]["paths"] for n in p["nodes"]})
    marked = 0
    for item in answer["items"]:
        assert item["name"].endswith("（示意）") == invented(nodes[item["id"]]), item
        for path in item["explanation"]["paths"]:
            for node_id, name in zip(path["nodes"], path["names"], strict=True):
                if nodes[node_id].kind in ("Enterprise", "Institute", "Expert", "Need"):
                    assert name.endswith("（示意）") == invented(nodes[node_id]), path
                    marked += invented(nodes[node_id])
    assert marked  # a path through an invented firm is shown marked


def test_agendas_mark_invented_parties_in_their_language(seeded_store):
    from duijie.api.services.replay import plan_event
    from duijie.api.services.seeding import XIAN_EVENT
    from duijie.matcher.agenda import render_agenda

    replay = plan_event(seeded_store, XIAN_EVENT, use_recommender=False)
    zh = render_agenda(replay.agenda, replay.event, "csv", lang="zh")
    en = render_agenda(replay.agenda, replay.event, "csv", lang="en")
    helpers_zh = {row.split(",")[4] for row in zh.splitlines()[1:]}
    helpers_en = {row.split(",")[4] for row in en.splitlines()[1:]}
    assert "示例西安材料研究院（示意）" in helpers_zh
    assert "示例西安材料研究院 (illustrative)" in helpers_en
    assert not [h for h in helpers_en if "（示意）" in h]
    assert "浙江大立科技（示意）" not in zh and "浙江大立科技" in zh  # a real firm: no mark
    ics = render_agenda(replay.agenda, replay.event, "ics", lang="zh").decode()
    assert "（示意）" in ics


def test_a_page_prints_the_mark_in_its_own_language():
    from duijie.api.web.pages import templates

    page = templates.env.from_string("<p>{{ name }}</p><p>{{ t }}</p>")
    shown = "示例西安光电研究所（示意）"
    assert page.render(lang="en", name=shown, t="x") == (
        "<p>示例西安光电研究所 (illustrative)</p><p>x</p>")
    assert page.render(lang="zh", name=shown, t="x") == f"<p>{shown}</p><p>x</p>"


# -- programmes: real ones carry only published criteria, invented ones are examples ------

def _programmes(nodes):
    real = [n for n in nodes.values() if n.kind == "Programme" and not invented(n)]
    made_up = [n for n in nodes.values() if n.kind == "Programme" and invented(n)]
    return real, made_up


def test_a_real_programmes_rules_are_published_and_name_their_source(nodes):
    real, _ = _programmes(nodes)
    assert len(real) >= 25
    with_rules = {n.id for n in real if n.props.get("rules")}
    # 高企 and 科技型中小企业 by their published conditions, two areas by their names
    assert with_rules == {"prog:high-tech-enterprise", "prog:tech-sme",
                          "prog:keqiao-tech-policy", "prog:jinhua-sixin"}
    for programme in real:
        for rule in programme.props.get("rules") or []:
            assert rule.get("source") and not rule.get("illustrative"), (programme.id, rule)
        assert not programme.props.get("required_flags"), programme.id
        assert not programme.props.get("industries"), programme.id
        assert "示意" not in (programme.props.get("description") or ""), programme.id
        assert all(p.source.startswith(("seed:", "public:")) and p.quote
                   for p in programme.provenance), programme.id
    sme = {r["field"]: r for r in nodes["prog:tech-sme"].props["rules"]}
    assert "rd_ratio_pct" not in sme  # the invented third rule is gone
    assert (sme["employees"]["value"], sme["revenue_wan"]["value"]) == (500, 20000)


def test_a_real_programmes_benefit_and_subjects_are_quoted(nodes, edges):
    real, _ = _programmes(nodes)
    quotes = {p.id: " ".join(q.quote or "" for q in p.provenance) for p in real}
    assert nodes["prog:high-tech-enterprise"].props["benefit"] == (
        "企业所得税减按15%的税率征收（《中华人民共和国企业所得税法》第二十八条）。")
    for programme in real:
        benefit = programme.props.get("benefit")
        if benefit and programme.id != "prog:high-tech-enterprise":  # the tax law, cited
            # each phrase of it stands in a quote (brackets written either width)
            said = quotes[programme.id].replace("(", "（").replace(")", "）")
            assert all(part in said for part in benefit.replace("、", "，").split("，")
                       ), (programme.id, benefit)
    ids = {p.id for p in real}
    for e in edges:
        if e.src in ids:
            assert e.kind == "supports" and not invented(e), e
            assert all(p.source.startswith(("seed:", "public:")) and p.quote
                       for p in e.provenance), e


def test_invented_programmes_are_flagged_named_and_carry_the_demos_thresholds(nodes):
    real, made_up = _programmes(nodes)
    real_names = {n.name for n in real}
    assert len(made_up) >= 4
    for programme in made_up:
        assert programme.name.startswith("示例") and programme.name not in real_names
        assert not any(programme.name.removeprefix("示例：") in name for name in real_names)
        assert [p.source for p in programme.provenance] == ["illustrative"]
        assert programme.props["department"].startswith("示例"), programme.id
        assert all(r.get("illustrative") for r in programme.props["rules"]), programme.id
    ops = {r["op"] for p in made_up for r in p.props["rules"]}
    assert {">=", "in", "has_flag"} <= ops  # thresholds, industry lists, qualifications
