"""`duijie problem`: the problem ledger (问题台账) from problem to closure (销号)."""

from __future__ import annotations

from pathlib import Path

import click

from duijie.api.cli.commands import SuggestingGroup
from duijie.api.cli.context import AppContext, echo_json, json_option, pass_app
from duijie.api.cli.words import cli_lang, cli_word, joined
from duijie.graph.vocab import PROBLEM_NEED_TYPES, ProblemState, problem_label


def _routing(path: Path | None):
    from duijie.matcher.problems import load_routing, parse_routing

    if path is None:
        return load_routing()
    return parse_routing(path.read_text("utf-8"), str(path))


def _show(view, as_json: bool) -> None:
    if as_json:
        echo_json(view.to_dict())
        return
    d, lang = view.to_dict(), cli_lang()
    state = problem_label(d["state"], lang)
    if d["overdue_days"] and d["state"] != "closed":
        state += cli_word("problem_overdue", days=d["overdue_days"])
    if d["escalated"] and d["state"] != "closed":
        state += (cli_word("problem_escalated_to", to=d["escalated_to"]) if d["escalated_to"]
                  else cli_word("problem_escalated"))
    click.echo(f"{d['title']} [{d['id']}]")
    click.echo(cli_word("problem_head", firm=d["firm_name"] or "—",
                        type=problem_label(d["need_type"], lang), state=state))
    click.echo(cli_word("problem_owner", department=d["department"] or cli_word(
        "problem_unassigned"), person=d["person_name"] or "—", opened=d["opened_on"] or "—",
        due=d["due"] or "—"))
    for step in d["steps"]:
        by = cli_word("problem_step_by", by=step["by"]) if step["by"] else ""
        click.echo(f"  {step['on']} {step['text']}{by}")
    if d["answer"]:
        seen = cli_word("problem_seen", on=d["firm_seen_on"]) if d["firm_seen_on"] else ""
        click.echo(cli_word("problem_answer", answer=d["answer"], seen=seen,
                            on=d["answered_on"] or cli_word("problem_answer_undated")))


@click.group(cls=SuggestingGroup)
def problem() -> None:
    """The problem ledger: record, assign, step, close (销号) and list firms' problems.

    \b
    Example:
      duijie problem add ent:ailaiyi "数字工程项目可享受的政策" --type policy
      duijie problem list --overdue
    """


@problem.command("add")
@click.argument("firm_id")
@click.argument("title")
@click.option("--text", help="The problem in the firm's words.")
@click.option("--type", "need_type", type=click.Choice([t.value for t in PROBLEM_NEED_TYPES]),
              default="problem", show_default=True,
              help="问题 problem, 政策 policy, 融资 financing, 人才 talent.")
@click.option("--region", help="Where the problem lies (default: the firm's region).")
@click.option("--opened", "opened_on", metavar="YYYY-MM-DD",
              help="Raised on (default today).")
@click.option("--department", help="Responsible department (default: the routing rules).")
@click.option("--person", help="Responsible person: an official's id (off:…) or a name.")
@click.option("--due", metavar="YYYY-MM-DD", help="Due date (default: the rule's time limit).")
@click.option("--raised-in", help="The event or meeting where the firm raised it.")
@click.option("--routing", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A routing table (TOML) instead of the packaged one.")
@json_option
@pass_app
def add(app: AppContext, firm_id: str, title: str, text: str | None, need_type: str,
        region: str | None, opened_on: str | None, department: str | None,
        person: str | None, due: str | None, raised_in: str | None, routing: Path | None,
        as_json: bool) -> None:
    """Record a firm's problem; the routing rules choose its department and due date.

    \b
    Example:
      duijie problem add ent:ailaiyi "流动资金贷款难" --type financing --opened 2019-12-02
    """
    from duijie.api.services.problems import add_problem

    view = add_problem(app.store, firm_id=firm_id, title=title, text=text, need_type=need_type,
                       region=region, opened_on=opened_on, department=department,
                       person=person, due=due, raised_in=raised_in, routing=_routing(routing))
    _show(view, as_json)


@problem.command("raise")
@click.argument("meeting_id")
@click.argument("title")
@click.option("--type", "need_type", type=click.Choice([t.value for t in PROBLEM_NEED_TYPES]),
              default="problem", show_default=True,
              help="问题 problem, 政策 policy, 融资 financing, 人才 talent.")
@click.option("--text", help="The problem in the firm's words.")
@click.option("--opened", "opened_on", metavar="YYYY-MM-DD",
              help="Raised on (default: the meeting's day, or today if it is ahead).")
@json_option
@pass_app
def raise_(app: AppContext, meeting_id: str, title: str, need_type: str, text: str | None,
           opened_on: str | None, as_json: bool) -> None:
    """Record a problem the firm raised at a docking meeting (the meeting's firm), routed.

    A problem heard on a visit is recorded with the visit: `duijie contact record
    OFFICIAL FIRM --problem …`.

    \b
    Example:
      duijie problem raise mtg:abc "检测设备共享难" --type problem
    """
    from duijie.api.services.problems import raise_in_meeting

    _show(raise_in_meeting(app.store, meeting_id, title=title, need_type=need_type, text=text,
                           opened_on=opened_on), as_json)


@problem.command("routing")
@click.option("--set", "table_path", type=click.Path(exists=True, dir_okay=False,
                                                      path_type=Path),
              help="Replace the stored routing table with this TOML file (the packaged "
                   "layout; an optional `departments = [...]` lists the departments).")
@click.option("--rev", type=int, help="The revision you read (default: the current one).")
@json_option
@pass_app
def routing_(app: AppContext, table_path: Path | None, rev: int | None, as_json: bool) -> None:
    """Show the routing table in force (problem type × region → department), or replace it.

    \b
    Example:
      duijie problem routing
      duijie problem routing --set 分办规则.toml
    """
    import tomllib

    from duijie.api.services.routing import routing_table, save_routing
    from duijie.graph.errors import InvalidInput, Where

    table = routing_table(app.store)
    if table_path is not None:
        try:
            data = tomllib.loads(table_path.read_text("utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise InvalidInput(key="routing.not_toml", params={"reason": str(exc)},
                               where=Where(str(table_path))) from None
        unknown = set(data) - {"rule", "departments", "escalate_after_days", "default_due_days"}
        if unknown:
            raise InvalidInput(key="routing.unknown_settings", value=sorted(unknown),
                               where=Where(str(table_path)))
        table = save_routing(app.store, rules=data.get("rule") or [],
                             departments=data.get("departments") or [],
                             escalate_after_days=data.get("escalate_after_days", 15),
                             default_due_days=data.get("default_due_days", 30),
                             rev=table.rev if rev is None else rev)
    if as_json:
        echo_json(table.to_dict())
        return
    source = (cli_word("routing_stored", rev=table.rev) if table.source == "stored"
              else cli_word("routing_default"))
    click.echo(cli_word("routing_head", source=source, days=table.escalate_after_days))
    for number, rule in enumerate(table.rules, start=1):
        kind = (cli_word("routing_any") if rule.need_type == "*"
                else problem_label(rule.need_type, cli_lang()))
        click.echo(f"{number:>3}" + cli_word("routing_rule", kind=kind, region=rule.region,
                                            department=rule.department, days=rule.due_days))


@problem.command("assign")
@click.argument("need_id")
@click.option("--department", help="The responsible department.")
@click.option("--person", help="The responsible person: an official's id (off:…) or a name.")
@click.option("--due", metavar="YYYY-MM-DD", help="The due date.")
@click.option("--escalate-to", help="Escalate to this level or leader (升级督办).")
@click.option("--on", metavar="YYYY-MM-DD", help="Day of the escalation (default today).")
@json_option
@pass_app
def assign(app: AppContext, need_id: str, department: str | None, person: str | None,
           due: str | None, escalate_to: str | None, on: str | None, as_json: bool) -> None:
    """Give a problem its department, person or due date, or escalate it.

    \b
    Example:
      duijie problem assign need:abc --department 省金融办 --person 王处长 --due 2020-01-15
    """
    from duijie.api.services.problems import assign_problem

    _show(assign_problem(app.store, need_id, department=department, person=person, due=due,
                         escalate_to=escalate_to, on=on), as_json)


@problem.command("step")
@click.argument("need_id")
@click.argument("text")
@click.option("--on", metavar="YYYY-MM-DD", help="When it was done (default today).")
@click.option("--by", help="Who did it.")
@click.option("--answer", help="This step gives the firm its answer: the answer's text.")
@json_option
@pass_app
def step(app: AppContext, need_id: str, text: str, on: str | None, by: str | None,
         answer: str | None, as_json: bool) -> None:
    """Record a dated step of handling a problem (协调推进), or the answer given.

    \b
    Example:
      duijie problem step need:abc "协调两家银行上门对接" --on 2019-12-10
    """
    from duijie.api.services.problems import add_step

    _show(add_step(app.store, need_id, text=text, on=on, by=by, answer=answer), as_json)


@problem.command("close")
@click.argument("need_id")
@click.option("--answer", help="The answer the firm received (if not recorded before).")
@click.option("--seen", metavar="YYYY-MM-DD", help="The day the firm saw the answer (required).")
@click.option("--on", "closed_on", metavar="YYYY-MM-DD", help="Closed on (default: --seen).")
@json_option
@pass_app
def close(app: AppContext, need_id: str, answer: str | None, seen: str | None,
          closed_on: str | None, as_json: bool) -> None:
    """Close a problem (销号): only with an answer the firm has seen.

    \b
    Example:
      duijie problem close need:abc --answer "已推介至合作银行并获授信" --seen 2019-12-20
    """
    from duijie.api.services.problems import close_problem

    _show(close_problem(app.store, need_id, answer=answer, seen=seen, closed_on=closed_on),
          as_json)


@problem.command("list")
@click.option("--department", help="One department's ledger.")
@click.option("--state", type=click.Choice([s.value for s in ProblemState]))
@click.option("--overdue", is_flag=True, help="Only problems past their due date.")
@click.option("--escalated", is_flag=True, help="Only escalated problems.")
@click.option("--firm", "firm_id", help="One firm's problems.")
@click.option("--today", metavar="YYYY-MM-DD", help="Count overdue days as of this day.")
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the ledger as XLSX (序号, 企业, 问题, 责任单位, 办理情况, 状态).")
@click.option("--routing", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A routing table (TOML): its escalation threshold.")
@json_option
@pass_app
def list_(app: AppContext, department: str | None, state: str | None, overdue: bool,
          escalated: bool, firm_id: str | None, today: str | None, xlsx_path: Path | None,
          routing: Path | None, as_json: bool) -> None:
    """List the ledger: overdue first; --xlsx writes a department's ledger for the office.

    \b
    Example:
      duijie problem list --department 浙江省经济和信息化厅技术创新处 --xlsx 台账.xlsx
      duijie problem list --escalated --json
    """
    from duijie.api.services.problems import ledger_rows, ledger_workbook, list_problems

    result = list_problems(app.store, department=department, state=state, overdue=overdue,
                           escalated=escalated, firm_id=firm_id, today=today,
                           routing=_routing(routing))
    if xlsx_path is not None:
        xlsx_path.write_bytes(ledger_workbook(result))
    if as_json:
        echo_json(result.to_dict())
        return
    click.echo(cli_word("ledger_head", today=result.today, count=result.count,
                        overdue=result.overdue, escalated=result.escalated))
    for problem, row in zip(result.items, ledger_rows(result, cli_lang()), strict=True):
        number, firm, title, dept, _done, status = row  # the id, for the next command
        click.echo(f"{number:>3}" + cli_word(
            "ledger_row", firm=firm or "—", title=title,
            department=dept or cli_word("problem_unassigned"), status=status)
            + f" [{problem.id}]")
    if department and department not in result.departments:  # a typo shows as an empty ledger
        click.echo(cli_word("ledger_no_department", department=department,
                            departments=joined(result.departments) or "—"))
    if xlsx_path is not None:
        click.echo(cli_word("wrote", path=xlsx_path))


def register(group: click.Group) -> None:
    group.add_command(problem)
