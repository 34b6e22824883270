"""`duijie firm` (a firm's profile, 精准画像) and `duijie push` (服务找企业)."""

from __future__ import annotations

import click

from duijie.api.cli.context import AppContext, echo_json, json_option, pass_app
from duijie.graph.vocab import NEED_STATUS_LABELS, illustrative_mark, problem_label
from duijie.matcher.programme_conditions import TO_CHECK

FACT_LABELS = {"legal_name": "全称", "region": "地区", "industry": "行业",
               "revenue_wan": "营业收入（万元）", "employees": "从业人数",
               "rd_ratio_pct": "研发投入占比（%）", "flags": "资质", "founded_year": "成立年份",
               "listed": "上市", "group": "所属集团", "website": "网站", "description": "简介",
               "credit_code": "统一社会信用代码", "name": "企业名称", "today": "申报日期"}
FACT_LABELS.update({name: words[0] for name, words in TO_CHECK.items()})
"""How a firm's facts are named in the CLI's Chinese output (the pages' office_fact_* words),
with the published criteria the graph holds no data for (to check by hand)."""


@click.command()
@click.argument("firm_id")
@click.option("--today", metavar="YYYY-MM-DD", help="Judge deadlines and overdue days as of.")
@json_option
@pass_app
def firm(app: AppContext, firm_id: str, today: str | None, as_json: bool) -> None:
    """A firm's profile: facts, needs, meetings, problems, programmes now and one step away.

    \b
    Example:
      duijie firm ent:dali-technology
      duijie firm ent:ailaiyi --json
    """
    from duijie.api.services.firms import firm_profile
    from duijie.api.web.source_words import source_words

    profile = firm_profile(app.store, firm_id, today=today)
    if as_json:
        echo_json(profile.to_dict())
        return
    d = profile.to_dict()
    click.echo(f"{d['name']} [{d['id']}]")  # an invented firm's name carries 示意
    for fact in d["facts"]:
        value = fact["value"]
        if isinstance(value, bool):
            value = "是" if value else "否"
        value = "、".join(value) if isinstance(value, list) else value
        click.echo(f"  {FACT_LABELS.get(fact['field'], fact['field'])}：{value}")
    for source in d["sources"]:  # where the facts come from, named as the page names them
        quote = f"：“{source['quote']}”" if source.get("quote") else ""
        click.echo(f"  来源：{source_words(source, 'zh')}{quote}")
    click.echo(f"需求（{len(d['needs'])}）：")
    for need in d["needs"]:
        status = NEED_STATUS_LABELS["zh"].get(need["status"], need["status"])
        click.echo(f"  {need['title']}（{status}）")
    click.echo(f"洽谈（{len(d['meetings'])}）：")
    for m in d["meetings"]:
        click.echo(f"  {m['start'] or '—'} {m['helper_name'] or '—'} · {m['event_name'] or '—'}")
    click.echo(f"问题（{len(d['problems'])}）：")
    for p in d["problems"]:
        department = p["department"] or "（未分办）"
        click.echo(f"  {p['title']}｜{department}｜{problem_label(p['state'])}")
    click.echo("已获认定：" + ("、".join(n["name"] for n in d["programmes_held"]) or "—"))
    click.echo("已申报：" + ("、".join(n["name"] for n in d["programmes_applied"]) or "—"))
    click.echo(f"现可申报（{len(d['programmes_now'])}，按价值排序）：")
    for offer in d["programmes_now"]:  # a verdict an invented threshold decides says so
        click.echo(f"  {offer['programme_name']}"
                   + ("｜符合条件" + illustrative_mark(True) if offer["illustrative"] else ""))
    click.echo(f"差一项条件（{len(d['programmes_near'])}）：")
    for offer in d["programmes_near"]:
        click.echo(f"  {offer['change']}")
    if d["data_to_check"]:  # what to ask the firm, so those programmes can be decided
        click.echo(f"待核实的数据（{len(d['data_to_check'])}，企业尚未提供，"
                   "下列项目因此无法判断）：")
        for item in d["data_to_check"]:
            names = "、".join(p["name"] for p in item["programmes"])
            click.echo(f"  {item['text']}：关系到 {len(item['programmes'])} 个项目（{names}）")
    if d["programmes_without_rules"]:  # said, so their absence above is not a verdict
        click.echo(f"申报条件未录入，请以当年申报通知为准（{len(d['programmes_without_rules'])}）："
                   + "、".join(p["name"] for p in d["programmes_without_rules"]))


@click.command()
@click.argument("programme_id")
@click.option("--today", metavar="YYYY-MM-DD", help="Judge deadlines as of this day.")
@json_option
@pass_app
def push(app: AppContext, programme_id: str, today: str | None, as_json: bool) -> None:
    """Every firm that qualifies for a programme and neither holds it nor applied.

    \b
    Example:
      duijie push prog:high-tech-enterprise
      duijie push prog:tech-sme --json
    """
    from duijie.api.services.firms import push_programme

    result = push_programme(app.store, programme_id, today=today)
    if as_json:
        echo_json(result.to_dict())
        return
    d = result.to_dict()
    click.echo(f"{d['programme_name']}：可推送 {d['count']} 家"
               f"{illustrative_mark(d['verdict_illustrative'])}（查验 {d['checked']} 家，"
               f"已获认定 {d['holders']} 家、已申报 {d['applied']} 家不再推送）")
    for f in d["firms"]:
        click.echo(f"  {f['name']}（{f['region'] or '—'}，{f['industry'] or '—'}）[{f['id']}]")
    if d["to_check"]:
        click.echo(f"数据不全、需核实 {len(d['to_check'])} 家：")
        for f in d["to_check"]:
            said = [f"缺 {'、'.join(FACT_LABELS.get(m, m) for m in f['missing'])}"] * bool(
                f["missing"]) + [f"待核实 {'、'.join(FACT_LABELS[m] for m in f['to_check'])}"
                                 ] * bool(f["to_check"])
            click.echo(f"  {f['name']}：{'；'.join(said)}")


@click.command("programme-status")
@click.argument("firm_id")
@click.argument("programme_id")
@click.argument("status", type=click.Choice(["applied", "holds", "none"]), default="applied")
@click.option("--on", metavar="YYYY-MM-DD", help="The day it applied or was awarded.")
@json_option
@pass_app
def programme_status(app: AppContext, firm_id: str, programme_id: str, status: str,
                     on: str | None, as_json: bool) -> None:
    """Record that a firm applied for a programme (applied), holds it (holds), or neither
    (none: entered by mistake or withdrawn). `duijie push` leaves out firms that applied
    or hold it.

    \b
    Example:
      duijie programme-status ent:ailaiyi prog:tech-sme applied --on 2024-03-01
      duijie programme-status ent:ailaiyi prog:high-tech-enterprise holds
    """
    from duijie.api.services.firms import record_programme

    standing = record_programme(app.store, firm_id, programme_id, status=status, on=on)
    if as_json:
        echo_json(standing.to_dict())
        return
    shown = {"applied": "已申报", "holds": "已获认定", "none": "未申报"}[standing.status]
    click.echo(f"{standing.firm_name}｜{standing.programme_name}：{shown}"
               f"{'（' + standing.on + '）' if standing.on else ''}")


def register(group: click.Group) -> None:
    group.add_command(firm)
    group.add_command(push)
    group.add_command(programme_status)
