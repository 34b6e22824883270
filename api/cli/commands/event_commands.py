"""`duijie event …`: create, invite, plan, schedule, agendas, outcomes, follow-ups."""

from __future__ import annotations

import re
from pathlib import Path

import click

from duijie.api.cli.commands import SuggestingGroup
from duijie.api.cli.context import AppContext, echo_json, json_option, pass_app
from duijie.api.cli.words import (
    catalog_word,
    catalog_word_or,
    cli_lang,
    cli_word,
    event_words,
    joined,
    note_words,
    pad,
    status_word,
)
from duijie.graph.vocab import (
    DEFAULT_MAX_MEETINGS,
    DEFAULT_MIN_SCORE,
    EventType,
    LedgerStep,
    OutcomeStage,
    PairRuleKind,
    ReasonCode,
    RequestStatus,
    values,
)
from duijie.matcher.reasons import render_reason


@click.group(cls=SuggestingGroup)
def event() -> None:
    """Docking events (对接会): who to invite, who meets whom, when, and what came of it.

    \b
    Example:
      duijie event create 西安对接会 --id evt:xian --days 2019-05-23,2019-05-24 --tables 6
      duijie event invite evt:xian ent:dali exp:li
      duijie event plan evt:xian && duijie event schedule evt:xian
    """


@event.command("list")
@json_option
@pass_app
def list_cmd(app: AppContext, as_json: bool) -> None:
    """List events with dates, place, status and number of meetings.

    \b
    Example:
      duijie event list --json
    """
    from duijie.api.services.events import event_list

    rows = event_list(app.store).to_dict()["events"]
    if as_json:
        echo_json(rows)  # a JSON array, as this command has always printed
        return
    click.echo(event_table(rows, cli_lang()))


EVENT_COLUMNS = {  # header words, then what an undated event shows as its date
    "zh": ("日期", "状态", "记录企业", "参与方", "会谈", "活动", "日期未定", "（示意）"),
    "en": ("date", "status", "firms", "people", "meetings", "event", "no date", " (示意)"),
}


def event_table(rows: list[dict], lang: str) -> str:
    """`event list` as a table in one language: date, status, the firms on record, the
    participants and meetings planned, then the event's name and [id] to type.

    >>> print(event_table([{"id": "evt:x", "name": "西安对接会", "start_date": None,
    ...     "status": "held", "recorded_firms": 11, "participants": 0, "meetings": 0,
    ...     "illustrative": False}], "zh"))
    日期        状态     记录企业   参与方     会谈  活动
    日期未定    已举办         11        0        0  西安对接会 [evt:x]
    """
    date, status, firms, people, meetings, event, undated, mark = EVENT_COLUMNS[lang]
    lines = [f"{pad(date, 12)}{pad(status, 8)}{pad(firms, 9, right=True)}"
             f"{pad(people, 9, right=True)}{pad(meetings, 9, right=True)}  {event}"]
    for r in rows:
        name = r["name"] + (mark if r.get("illustrative") and "示意" not in r["name"] else "")
        day, state = r["start_date"] or undated, status_word(r["status"], lang)
        lines.append(f"{pad(day, 12)}{pad(state, 8)}"
                     f"{r['recorded_firms']:>9}{r['participants']:>9}{r['meetings']:>9}  "
                     f"{name} [{r['id']}]")
    return "\n".join(lines)


@event.command()
@click.argument("name")
@click.option("--id", "event_id", default=None, help="Event id (derived from name if absent).")
@click.option("--place", default=None)
@click.option("--region", default=None)
@click.option("--type", "event_type", default="other", show_default=True,
              type=click.Choice(values(EventType)))
@click.option("--days", default="", help="Comma-separated dates YYYY-MM-DD.")
@click.option("--from", "day_start", default="09:00", show_default=True)
@click.option("--to", "day_end", default="12:00", show_default=True)
@click.option("--slot-minutes", default=30, show_default=True, type=int)
@click.option("--tables", default="5", show_default=True,
              help="A number of tables, or comma-separated table names.")
@click.option("--max-meetings", default=DEFAULT_MAX_MEETINGS, show_default=True, type=int,
              help="Default max meetings per participant.")
@click.option("--min-score", default=DEFAULT_MIN_SCORE, show_default=True, type=float)
@click.option("--institute-per-firm", default=0, show_default=True, type=int,
              help="Group quota: at least this many institutes for every served firm.")
@click.option("--one-per-organisation", is_flag=True,
              help="Group quota: at most one person of one employer per firm.")
@click.option("--met-before", "met_before_cutoff", default=None, metavar="DATE",
              help="Exclude pairs that met before this date (YYYY-MM-DD).")
@click.option("--organiser", default=None)
@click.option("--language", default="zh", type=click.Choice(["zh", "en"]), show_default=True)
@json_option
@pass_app
def create(app: AppContext, name: str, event_id: str | None, place: str | None,
           region: str | None, event_type: str, days: str, day_start: str, day_end: str,
           slot_minutes: int, tables: str, max_meetings: int, min_score: float,
           institute_per_firm: int, one_per_organisation: bool, met_before_cutoff: str | None,
           organiser: str | None, language: str, as_json: bool) -> None:
    """Create an event with its slots (a grid over the days) and tables.

    \b
    Example:
      duijie event create 西安对接会 --id evt:xian --place 西安 --days 2019-05-23,2019-05-24 \\
        --from 09:00 --to 12:00 --slot-minutes 30 --tables 6
    """
    from duijie.api.services.events import event_create

    result = event_create(app.store, name, event_id=event_id, days=days.split(","),
                          day_start=day_start, day_end=day_end, slot_minutes=slot_minutes,
                          tables=tables, max_meetings=max_meetings, min_score=min_score,
                          institute_per_firm=institute_per_firm,
                          one_per_organisation=one_per_organisation,
                          met_before_cutoff=met_before_cutoff, place=place, region=region,
                          event_type=event_type, organiser=organiser, language=language)
    if as_json:
        echo_json(result.to_dict())
    else:
        click.echo(event_words("created", id=result.id, slots=result.slots,
                               tables=len(result.tables)))


@event.command()
@click.argument("event_id")
@click.argument("participants", nargs=-1)
@click.option("--max-meetings", type=int, default=None)
@click.option("--language", default=None, type=click.Choice(["zh", "en"]),
              help="The participants' agenda language.")
@click.option("--available", "windows", multiple=True, metavar="START/END",
              help="An availability window, e.g. 2019-05-23T09:00/2019-05-23T12:00.")
@click.option("--budget", type=int, default=None,
              help="Choose this many experts/institutes to invite for the firms' needs.")
@click.option("--candidates-region", default=None,
              help="With --budget: only candidates in this region (a travel destination).")
@click.option("--strong", default=0.6, show_default=True, type=float,
              help="With --budget: the score at which a candidate covers a need.")
@click.option("--simple-scores", is_flag=True,
              help="Score by shared topics instead of the hybrid recommender.")
@json_option
@pass_app
def invite(app: AppContext, event_id: str, participants: tuple[str, ...],
           max_meetings: int | None, language: str | None, windows: tuple[str, ...],
           budget: int | None,
           candidates_region: str | None, strong: float, simple_scores: bool,
           as_json: bool) -> None:
    """Add firms, experts or institutes to an event, or plan invitations with --budget.

    With --budget K the event's firms' needs are covered greedily (weighted by
    priority; at least 63% of the best coverage) and the chosen K are added.

    \b
    Example:
      duijie event invite evt:xian ent:dali exp:li --max-meetings 4
      duijie event invite evt:xian --budget 5 --candidates-region 西安 --json
    """
    from duijie.api.services.invitations import event_invite

    parsed = []
    for w in windows:
        if "/" not in w:
            raise click.BadParameter("use START/END", param_hint="--available")
        parsed.append(tuple(w.split("/", 1)))
    result = event_invite(app.store, event_id, participants, max_meetings=max_meetings,
                          language=language, availability=parsed or None, budget=budget,
                          region=candidates_region, strong=strong,
                          use_recommender=not simple_scores)
    if as_json:
        echo_json(result.to_dict())
        return
    for a in result.added:
        side = event_words(f"side_{a['side']}") if a["side"] in ("firm", "helper") else a["side"]
        click.echo(event_words("added", name=a["name"], id=a["id"], side=side))
    if result.invitations is not None:
        inv, names = result.invitations, result.names
        click.echo(event_words("invited", count=len(inv.invited), names=joined(
            f"{names.get(i, i)} [{i}]" for i in inv.invited)))
        click.echo(event_words("covered", covered=inv.covered_weight, total=inv.total_weight))
        for need, why in inv.uncovered.items():
            click.echo(event_words("uncovered", name=names.get(need, need), id=need,
                                   why=note_words(why, names)))


@event.command()
@click.argument("event_id")
@click.argument("kind", type=click.Choice(values(PairRuleKind)))
@click.argument("firm")
@click.argument("helper")
@click.option("--status", default=RequestStatus.ACCEPTED.value, show_default=True,
              type=click.Choice(values(RequestStatus)))
@click.option("--reason", default=None)
@click.option("--by", default=None)
@json_option
@pass_app
def rule(app: AppContext, event_id: str, kind: str, firm: str, helper: str, status: str,
         reason: str | None, by: str | None, as_json: bool) -> None:
    """Record a request, decline, pin, forbid or met-before exclusion for a pair.

    \b
    Example:
      duijie event rule evt:xian pin ent:dali inst:xjtu
      duijie event rule evt:xian request ent:dali exp:li --status declined --reason too_early
    """
    from duijie.api.services.events import event_rule

    result = event_rule(app.store, event_id, kind, firm, helper, status=status, by=by,
                        reason=reason)
    if as_json:
        echo_json(result.to_dict())
    else:
        click.echo(event_words("rule", kind=catalog_word(f"events_rule_{kind}"), firm=firm,
                               helper=helper))


@event.command()
@click.argument("event_id")
@click.option("--solver", default="auto", type=click.Choice(["auto", "flow", "cpsat"]),
              show_default=True)
@click.option("--simple-scores", is_flag=True,
              help="Score by shared topics instead of the hybrid recommender.")
@json_option
@pass_app
def plan(app: AppContext, event_id: str, solver: str, simple_scores: bool,
         as_json: bool) -> None:
    """Propose fair meeting pairs (provisional until published) with scores and reasons.

    \b
    Example:
      duijie event plan evt:xian --json
    """
    import sys

    from duijie.api.jobs import Job, run_in_foreground
    from duijie.api.services.planning import event_plan

    def show(stage: str) -> None:  # stages on a terminal; Ctrl-C cancels the job
        if sys.stderr.isatty():
            shown = catalog_word_or("cli_plan_stage_" + re.sub(r"[ -]", "_", stage), stage)
            click.echo("\r" + pad(cli_word("plan_stage", stage=shown), 30), err=True, nl=False)

    job = Job(lambda progress, cancelled: event_plan(
        app.store, event_id, use_recommender=not simple_scores, solver=solver,
        progress=progress, cancelled=cancelled), name=f"plan {event_id}")
    result = run_in_foreground(job, show)
    data = result.to_dict()
    if as_json:
        echo_json(data)
        return
    lang = cli_lang()
    joiner = "；" if lang == "zh" else "; "
    for m in data["meetings"]:
        click.echo(f"{m['firm_name'] or m['firm']} × {m['helper_name'] or m['helper']}  "
                   f"{m['score']:.2f}  [{catalog_word('events_source_' + m['source'])}]  "
                   f"{joiner.join(render_reason(r, lang) for r in m['reasons'][:2])}")
    if data["kept"]:
        click.echo(event_words("kept", count=len(data["kept"])))
    for note in data["diagnostics"]:
        click.echo(event_words("note", note=note_words(note, data["names"])))
    for pid, why in data["unassigned"].items():
        click.echo(event_words("unassigned", name=data["names"].get(pid) or pid,
                               why=note_words(why, data["names"])))


@event.command("schedule")
@click.argument("event_id")
@click.option("--publish", is_flag=True, help="Publish the schedule (kept on re-runs).")
@json_option
@pass_app
def schedule_cmd(app: AppContext, event_id: str, publish: bool, as_json: bool) -> None:
    """Put the planned meetings into slots and tables; report what could not be placed.

    \b
    Example:
      duijie event schedule evt:xian --publish
    """
    from duijie.api.services.planning import event_schedule

    result = event_schedule(app.store, event_id, publish=publish)
    data = result.to_dict()
    if as_json:
        echo_json(data)
        return
    for p, placed in zip(data["placements"], result.schedule.placements, strict=True):
        who = (f"{p['firm_name']} × {p['helper_name']}" if p["firm"]
               else p["meeting_name"] or p["meeting"])
        click.echo(f"{placed.start:%m-%d %H:%M}-{placed.end:%H:%M} {p['table']:<5} {who}  "
                   f"({p['meeting']})")
    names = {p[side]: p[f"{side}_name"] for p in data["placements"] for side in ("firm", "helper")
             if p.get(side) and p.get(f"{side}_name")}
    for mid, why in data["unplaced"].items():
        meeting = data.get("unplaced_names", {}).get(mid)
        click.echo(event_words("not_placed", id=f"{meeting} [{mid}]" if meeting else mid,
                               why=note_words(why, names)))
    click.echo(event_words("placed", placed=len(data["placements"]),
                           unplaced=len(data["unplaced"]), gaps=data["idle_gaps"])
               + (event_words("published", count=data["published"]) if publish else ""))


@event.command()
@click.argument("event_id")
@click.option("--format", "fmt", default="html", show_default=True,
              type=click.Choice(["csv", "xlsx", "ics", "html"]))
@click.option("--participant", default=None, help="One participant's agenda (default: all).")
@click.option("--lang", default=None, type=click.Choice(["zh", "en"]),
              help="Language (default: the event's, Chinese).")
@click.option("--out", "out", default=None, type=click.Path(dir_okay=False),
              help="File to write (default: stdout for text formats).")
@pass_app
def agenda(app: AppContext, event_id: str, fmt: str, participant: str | None,
           lang: str | None, out: str | None) -> None:
    """Write an agenda: CSV, XLSX, iCalendar (.ics) or printable HTML.

    \b
    Example:
      duijie event agenda evt:xian --format ics --participant ent:dali --out dali.ics
      duijie event agenda evt:xian --format html --lang en --out programme.html
    """
    from duijie.api.services.planning import event_agenda

    result = event_agenda(app.store, event_id, fmt, participant=participant, lang=lang)
    data = result.content
    if out is None:
        if result.binary:
            raise click.UsageError("xlsx is binary: give --out FILE")
        click.echo(data.decode() if isinstance(data, bytes) else data, nl=False)
        return
    path = Path(out)
    tmp = path.with_name(path.name + ".part")  # written whole or not at all
    tmp.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    tmp.replace(path)
    click.echo(event_words("wrote", path=path, fmt=fmt))


@event.command()
@click.argument("meeting_id")
@click.option("--stage", default="post_event", show_default=True,
              type=click.Choice(values(OutcomeStage)))
@click.option("--held/--no-show", default=None)
@click.option("--rating-need", type=click.IntRange(1, 5), default=None)
@click.option("--rating-helper", type=click.IntRange(1, 5), default=None)
@click.option("--intent/--no-intent", default=None)
@click.option("--ledger", default=None, type=click.Choice(values(LedgerStep)))
@click.option("--value", "value", default=None, type=float, help="Contract value.")
@click.option("--unit", default="万元", show_default=True, help="Only 万元 is accepted.")
@click.option("--reason-code", default=None, type=click.Choice(values(ReasonCode)))
@click.option("--reason", default=None)
@click.option("--notes", default=None)
@json_option
@pass_app
def outcome(app: AppContext, meeting_id: str, stage: str, held: bool | None,
            rating_need: int | None, rating_helper: int | None, intent: bool | None,
            ledger: str | None, value: float | None, unit: str, reason_code: str | None,
            reason: str | None, notes: str | None, as_json: bool) -> None:
    """Record a meeting's outcome: post-event, then check-ins at 1/3/6/12 months.

    \b
    Example:
      duijie event outcome mtg:abc --held --rating-need 5 --rating-helper 4 --intent
      duijie event outcome mtg:abc --stage m3 --ledger signed --value 120
    """
    from duijie.api.services.outcomes import event_outcome

    result = event_outcome(app.store, meeting_id, stage, held=held,
                           rating_need_side=rating_need, rating_helper_side=rating_helper,
                           intent=intent, ledger=ledger, contract_value=value, unit=unit,
                           reason_code=reason_code, reason=reason, notes=notes)
    if as_json:
        echo_json(result.to_dict())
    else:
        click.echo(event_words("recorded", meeting=meeting_id,
                               stage=catalog_word(f"events_stage_{stage}")))


@event.command("no-show")
@click.argument("meeting_id")
@json_option
@pass_app
def no_show(app: AppContext, meeting_id: str, as_json: bool) -> None:
    """On the day: mark a no-show and seat the firm's first free alternate in that slot.

    \b
    Example:
      duijie event no-show mtg:abc
    """
    from duijie.api.services.outcomes import event_no_show

    result = event_no_show(app.store, meeting_id)
    if as_json:
        echo_json(result.to_dict())
    elif result.replacement_meeting:
        new = result.replacement_meeting
        click.echo(event_words("no_show", id=meeting_id, name=new["helper_name"],
                               helper=new["helper"], start=new["start"], table=new["table"],
                               new=new["id"]))
    else:
        click.echo(event_words("no_alternate", id=meeting_id))


@event.command()
@click.option("--event", "event_id", default=None, help="Only this event's follow-ups.")
@click.option("--today", default=None, help="Date to compare with (YYYY-MM-DD).")
@click.option("--add", "meeting_id", default=None, help="Add a follow-up to this meeting.")
@click.option("--action", default=None)
@click.option("--owner", default=None)
@click.option("--due", default=None)
@json_option
@pass_app
def followups(app: AppContext, event_id: str | None, today: str | None, meeting_id: str | None,
              action: str | None, owner: str | None, due: str | None, as_json: bool) -> None:
    """List overdue follow-ups, or add one with --add MEETING --action --owner --due.

    \b
    Example:
      duijie event followups --add mtg:abc --action 寄送样品 --owner 张三 --due 2019-06-30
      duijie event followups --event evt:xian --json
    """
    from duijie.api.services.outcomes import event_add_follow_up, event_followups

    if meeting_id:
        if not (action and owner and due):
            raise click.UsageError("--add needs --action, --owner and --due")
        added = event_add_follow_up(app.store, meeting_id, action, owner, due)
        if as_json:
            echo_json(added.to_dict())
        else:
            click.echo(event_words("follow_up_added", id=meeting_id))
        return
    rows = event_followups(app.store, event_id=event_id, today=today).to_dict()["follow_ups"]
    if as_json:
        echo_json(rows)  # a JSON array, as this command has always printed
        return
    for r in rows:
        click.echo(event_words("overdue", due=r["due"], days=r["days_overdue"],
                               owner=pad(r["owner"], 8), action=r["action"],
                               meeting=r["meeting"], id=r["meeting_id"]))
    if not rows:
        click.echo(event_words("no_overdue"))


@event.command()
@click.argument("event_id", default="evt:xian-docking-2019-05")
@click.option("--budget", default=12, show_default=True, help="Invitations to plan.")
@click.option("--simple-scores", is_flag=True,
              help="Score by shared topics instead of the hybrid recommender.")
@click.option("--record", is_flag=True,
              help="Also write the recorded outcome (meetings, outcomes, need statuses, "
                   "follow-ups) through the outcome path; safe to repeat.")
@json_option
@pass_app
def replay(app: AppContext, event_id: str, budget: int, simple_scores: bool, record: bool,
           as_json: bool) -> None:
    """Plan a (seed) event end to end and set it beside the recorded outcome.

    Scores never use the event's own record (its node, meetings, met/signed edges).
    Without --record the plan is made on a copy and nothing is written; with it,
    recorded meetings, outcomes and follow-ups are kept, never deleted.

    \b
    Example:
      duijie seed && duijie event replay evt:xian-docking-2019-05
      duijie event replay evt:xian-docking-2019-05 --record && duijie event followups
    """
    from duijie.api.cli.replay_text import render_replay
    from duijie.api.services.replay import event_replay

    result = event_replay(app.store, event_id, budget=budget, use_recommender=not simple_scores,
                          record=record)
    if as_json:
        echo_json(result.to_dict())
        return
    click.echo(render_replay(result, cli_lang()))


def register(group: click.Group) -> None:
    group.add_command(event)
