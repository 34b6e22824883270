"""`duijie firm` (a firm's profile, 精准画像) and `duijie push` (服务找企业)."""

from __future__ import annotations

import click

from duijie.api.cli.context import AppContext, echo_json, json_option, pass_app
from duijie.api.cli.words import catalog_word, catalog_word_or, cli_lang, cli_word, joined
from duijie.graph.vocab import NEED_STATUS_LABELS, illustrative_mark, problem_label


def fact_label(field: str) -> str:
    """A firm's fact (or a criterion the graph holds no data for) named as the pages name it,
    in the CLI's language.

    >>> import os; os.environ.pop("DUIJIE_LANG", None) and None
    >>> fact_label("revenue_wan"), fact_label("core_ip"), fact_label("odd")
    ('营业收入（万元）', '核心知识产权', 'odd')
    """
    return catalog_word_or(f"office_fact_{field}", field)


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
    d, lang = profile.to_dict(), cli_lang()
    click.echo(f"{d['name']} [{d['id']}]")  # an invented firm's name carries 示意
    for fact in d["facts"]:
        value = fact["value"]
        if isinstance(value, bool):
            value = catalog_word("office_yes" if value else "office_no")
        value = joined(value) if isinstance(value, list) else value
        click.echo(cli_word("firm_fact", label=fact_label(fact["field"]), value=value))
    for source in d["sources"]:  # where the facts come from, named as the page names them
        quote = cli_word("firm_quote", quote=source["quote"]) if source.get("quote") else ""
        click.echo(cli_word("firm_source", source=source_words(source, lang), quote=quote))
    click.echo(cli_word("firm_needs", count=len(d["needs"])))
    for need in d["needs"]:
        status = NEED_STATUS_LABELS[lang].get(need["status"], need["status"])
        click.echo(cli_word("firm_need", title=need["title"], status=status))
    click.echo(cli_word("firm_meetings", count=len(d["meetings"])))
    for m in d["meetings"]:
        click.echo(f"  {m['start'] or '—'} {m['helper_name'] or '—'} · {m['event_name'] or '—'}")
    click.echo(cli_word("firm_problems", count=len(d["problems"])))
    for p in d["problems"]:
        click.echo(cli_word("firm_problem", title=p["title"],
                            department=p["department"] or cli_word("problem_unassigned"),
                            state=problem_label(p["state"], lang)))
    click.echo(cli_word("firm_held", names=joined(n["name"] for n in d["programmes_held"])
                        or "—"))
    click.echo(cli_word("firm_applied", names=joined(
        n["name"] for n in d["programmes_applied"]) or "—"))
    click.echo(cli_word("firm_now", count=len(d["programmes_now"])))
    for offer in d["programmes_now"]:  # a verdict an invented threshold decides says so
        click.echo(f"  {offer['programme_name']}"
                   + (cli_word("firm_qualifies") if offer["illustrative"] else ""))
    click.echo(cli_word("firm_near", count=len(d["programmes_near"])))
    for offer in d["programmes_near"]:
        click.echo(f"  {offer['change'] if lang == 'zh' else offer['change_en']}")
    if d["data_to_check"]:  # what to ask the firm, so those programmes can be decided
        click.echo(cli_word("firm_to_check", count=len(d["data_to_check"])))
        for item in d["data_to_check"]:
            click.echo(cli_word("firm_decides", text=item["text"] if lang == "zh"
                                else item["text_en"], count=len(item["programmes"]),
                                names=joined(p["name"] for p in item["programmes"])))
    if d["programmes_without_rules"]:  # said, so their absence above is not a verdict
        click.echo(cli_word("firm_no_rules", count=len(d["programmes_without_rules"]),
                            names=joined(p["name"] for p in d["programmes_without_rules"])))


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
    d, lang = result.to_dict(), cli_lang()
    click.echo(cli_word("push_head", name=d["programme_name"], count=d["count"],
                        mark=illustrative_mark(d["verdict_illustrative"], lang),
                        checked=d["checked"], holders=d["holders"], applied=d["applied"]))
    for f in d["firms"]:
        click.echo(cli_word("push_firm", name=f["name"], region=f["region"] or "—",
                            industry=f["industry"] or "—") + f"[{f['id']}]")
    if d["to_check"]:
        click.echo(cli_word("push_to_check", count=len(d["to_check"])))
        for f in d["to_check"]:
            said = [cli_word("push_missing", fields=joined(fact_label(m) for m in f["missing"]))
                    ] * bool(f["missing"]) + [cli_word("push_unknown", fields=joined(
                        fact_label(m) for m in f["to_check"]))] * bool(f["to_check"])
            click.echo(cli_word("push_line", name=f["name"],
                                said=("；" if lang == "zh" else "; ").join(said)))


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
    click.echo(cli_word("status_line", firm=standing.firm_name,
                        programme=standing.programme_name,
                        status=cli_word(f"status_{standing.status}"),
                        on=cli_word("status_on", on=standing.on) if standing.on else ""))


def register(group: click.Group) -> None:
    group.add_command(firm)
    group.add_command(push)
    group.add_command(programme_status)
