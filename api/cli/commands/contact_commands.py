"""`duijie official` and `duijie contact`: contact duty (双向联系, 一对一服务)."""

from __future__ import annotations

import click

from duijie.api.cli.commands import SuggestingGroup
from duijie.api.cli.context import AppContext, echo_json, json_option, pass_app
from duijie.api.cli.words import cli_lang, cli_word, joined
from duijie.graph.vocab import PROBLEM_NEED_TYPES


def _split(text: str | None) -> list[str]:
    return [w.strip() for w in (text or "").replace("，", ",").replace("、", ",").split(",")
            if w.strip()]


@click.group(cls=SuggestingGroup)
def official() -> None:
    """Officials who keep contact with firms: department, fields, regions, capacity.

    \b
    Example:
      duijie official add 王明 --department 技术创新处 --fields 红外,集成电路 --capacity 15
      duijie official list
    """


@official.command("add")
@click.argument("name")
@click.option("--department", required=True, help="The official's department (处室).")
@click.option("--fields", help="Industries and topics they know, comma-separated.")
@click.option("--regions", help="Regions they cover, comma-separated.")
@click.option("--capacity", type=int, default=20, show_default=True,
              help="How many firms they can keep contact with.")
@click.option("--title", help="Their title (职务).")
@click.option("--id", "official_id", help="A stable id (default: from department and name).")
@json_option
@pass_app
def official_add(app: AppContext, name: str, department: str, fields: str | None,
                 regions: str | None, capacity: int, title: str | None,
                 official_id: str | None, as_json: bool) -> None:
    """Add or update an official.

    \b
    Example:
      duijie official add 李华 --department 金融处 --fields 融资,新材料 --regions 绍兴 --capacity 10
    """
    from duijie.api.services.officials import add_official

    view = add_official(app.store, name=name, department=department, fields=_split(fields),
                        regions=_split(regions), capacity=capacity, title=title,
                        official_id=official_id)
    if as_json:
        echo_json(view.to_dict())
    else:
        click.echo(cli_word("official_saved", name=view.name, department=view.department,
                            capacity=view.capacity) + f" [{view.id}]")


@official.command("edit")
@click.argument("official_id")
@click.option("--department", help="A department the routing table knows.")
@click.option("--capacity", type=int, help="How many firms they can keep contact with (>= 1).")
@click.option("--fields", help="Industries and topics they know, comma-separated (replaces).")
@click.option("--regions", help="Regions they cover, comma-separated (replaces).")
@click.option("--title", help="Their title (职务).")
@click.option("--rev", type=int, help="The revision you read (default: the current one).")
@json_option
@pass_app
def official_edit(app: AppContext, official_id: str, department: str | None,
                  capacity: int | None, fields: str | None, regions: str | None,
                  title: str | None, rev: int | None, as_json: bool) -> None:
    """Change an official's department, capacity, fields, regions or title.

    \b
    Example:
      duijie official edit off:abc --capacity 12 --fields 红外,集成电路
    """
    from duijie.api.services.officials import get_official, update_official

    if rev is None:
        rev = get_official(app.store, official_id).rev
    view = update_official(app.store, official_id, rev=rev, department=department,
                           capacity=capacity, title=title,
                           fields=_split(fields) if fields is not None else None,
                           regions=_split(regions) if regions is not None else None)
    if as_json:
        echo_json(view.to_dict())
    else:
        click.echo(cli_word("official_saved", name=view.name, department=view.department,
                            capacity=view.capacity) + f" [{view.id}]")


@official.command("list")
@json_option
@pass_app
def official_list(app: AppContext, as_json: bool) -> None:
    """List the officials.

    \b
    Example:
      duijie official list --json
    """
    from duijie.api.services.officials import list_officials

    rows = list_officials(app.store)
    if as_json:
        echo_json({"officials": [r.to_dict() for r in rows], "count": len(rows)})
        return
    if not rows:
        click.echo(cli_word("officials_none"))
    for r in rows:
        room = (cli_word("official_no_capacity") if r.needs_capacity
                else cli_word("official_capacity", capacity=r.capacity))
        click.echo(cli_word("official_row", department=r.department, name=r.name, room=room,
                            fields=joined(r.fields) or "—", regions=joined(r.regions) or "—")
                   + f" [{r.id}]")
    _echo_needs_capacity([r.name for r in rows if r.needs_capacity])


def _echo_needs_capacity(names: list[str]) -> None:
    """Officials stored at capacity 0 (an older store), by name: they take no firms."""
    if names:
        click.echo(cli_word("officials_need_capacity", names=joined(names)))


@click.group(cls=SuggestingGroup)
def contact() -> None:
    """Contact duty: assign firms to officials by fit, record contacts, see who did what.

    \b
    Example:
      duijie contact plan
      duijie contact duty
    """


@contact.command("plan")
@click.option("--firm", "firm_ids", multiple=True, help="Only these firms (repeatable).")
@click.option("--fresh", is_flag=True, help="Start afresh instead of keeping earlier pairs.")
@click.option("--fair", is_flag=True,
              help="Also run the fairness stages (slower at scale).")
@json_option
@pass_app
def contact_plan(app: AppContext, firm_ids: tuple[str, ...], fresh: bool, fair: bool,
                 as_json: bool) -> None:
    """Give every firm one official by fit (fields, department, region) under capacity.

    \b
    Example:
      duijie contact plan --json
    """
    from duijie.api.services.contact_plan import plan_contacts
    from duijie.matcher.contact_duty import reason_text

    result = plan_contacts(app.store, firm_ids=list(firm_ids) or None, fresh=fresh, fair=fair)
    if as_json:
        echo_json(result.to_dict())
        return
    lang = cli_lang()
    click.echo(cli_word("contact_plan_head", firms=result.firms, officials=result.officials,
                        fit=result.covered_by_fit, room=result.by_capacity, kept=result.kept))
    joiner = "；" if lang == "zh" else "; "
    for a in sorted(result.assignments, key=lambda a: (a.official_name, a.firm_name)):
        reasons = joiner.join(reason_text(r["code"], r["value"], lang) for r in a.reasons)
        click.echo(cli_word("contact_assignment", firm=a.firm_name, official=a.official_name,
                            department=a.department, score=f"{a.score:.2f}", reasons=reasons))
    for load in result.load:
        click.echo(cli_word("contact_load", name=load.name, assigned=load.assigned,
                            capacity=load.capacity))
    for left in result.needs_capacity:
        moved = (cli_word("contact_moved", count=left.firms_before) if left.firms_before
                 else "")
        click.echo(cli_word("contact_left_out", name=left.name, department=left.department,
                            moved=moved, id=left.id))


@contact.command("record")
@click.argument("official_id")
@click.argument("firm_id")
@click.option("--on", metavar="YYYY-MM-DD", help="Day of the contact (default today).")
@click.option("--note", help="What was discussed.")
@click.option("--problem", "problems", multiple=True,
              help="A problem the firm raised (repeatable): enters the ledger.")
@click.option("--problem-type", type=click.Choice([t.value for t in PROBLEM_NEED_TYPES]),
              default="problem", show_default=True, help="Type of the problems given.")
@json_option
@pass_app
def contact_record(app: AppContext, official_id: str, firm_id: str, on: str | None,
                   note: str | None, problems: tuple[str, ...], problem_type: str,
                   as_json: bool) -> None:
    """Record a contact with a firm, and the problems it raised (into the ledger).

    \b
    Example:
      duijie contact record off:abc ent:ailaiyi --on 2019-12-05 --problem 用地指标紧张
    """
    from duijie.api.services.contacts import record_contact

    result = record_contact(app.store, official_id, firm_id, on=on, note=note, problems=[
        {"title": p, "need_type": problem_type} for p in problems])
    if as_json:
        echo_json(result.to_dict())
        return
    click.echo(cli_word("contact_recorded", on=result.on, official=result.official_name,
                        firm=result.firm_name,
                        off_duty="" if result.on_duty else cli_word("contact_off_duty")))
    for p in result.problems:
        click.echo(cli_word("contact_problem", title=p.title, due=p.due,
                            department=p.department or cli_word("problem_unassigned"))
                   + f" [{p.id}]")


@contact.command("duty")
@click.option("--official", "official_id", help="One official, with their firms.")
@click.option("--today", metavar="YYYY-MM-DD", help="Judge overdue problems as of.")
@json_option
@pass_app
def contact_duty_cmd(app: AppContext, official_id: str | None, today: str | None,
                     as_json: bool) -> None:
    """Per official: firms assigned and contacted, contacts made, problems raised.

    \b
    Example:
      duijie contact duty --official off:abc
    """
    from duijie.api.services.contacts import contact_duty

    report = contact_duty(app.store, official_id=official_id, today=today)
    if as_json:
        echo_json(report.to_dict())
        return
    if not report.officials:
        click.echo(cli_word("duty_none"))
    for r in report.officials:
        click.echo(cli_word("duty_official", department=r.department, name=r.name,
                            contacted=r.firms_contacted, assigned=r.firms_assigned,
                            contacts=r.contacts_made, last=r.last_contact or "—",
                            raised=r.problems_raised, open=r.problems_open))
    for f in report.firms:
        click.echo(cli_word("duty_firm", name=f.name,
                            last=f.last_contact or cli_word("duty_never"),
                            contacts=f.contacts, open=f.open_problems))
    _echo_needs_capacity(report.needs_capacity)


def register(group: click.Group) -> None:
    group.add_command(official)
    group.add_command(contact)
