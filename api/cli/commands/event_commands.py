"""`duijie event …`: create, invite, plan, schedule, agendas, outcomes, follow-ups."""

from __future__ import annotations

from pathlib import Path

import click

from duijie.api.cli.context import AppContext, echo_json, json_option, pass_app


@click.group()
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
    from duijie.graph.events import event_meetings, list_events

    rows = [{"id": n.id, "name": n.name, "place": n.props.get("place"),
             "start_date": n.props.get("start_date"), "status": n.props.get("status", "planned"),
             "participants": len(n.props.get("participants", [])),
             "meetings": len(event_meetings(app.store, n.id))} for n in list_events(app.store)]
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        click.echo(f"{r['id']:<36} {r['start_date'] or '':<10} {r['status']:<9} "
                   f"{r['participants']:>4} participants {r['meetings']:>4} meetings  {r['name']}")


@event.command()
@click.argument("name")
@click.option("--id", "event_id", default=None, help="Event id (derived from name if absent).")
@click.option("--place", default=None)
@click.option("--region", default=None)
@click.option("--type", "event_type", default="other", show_default=True,
              type=click.Choice(["docking_trip", "fair", "expert_visit", "service_event",
                                 "talent_matching", "conference", "other"]))
@click.option("--days", default="", help="Comma-separated dates YYYY-MM-DD.")
@click.option("--from", "day_start", default="09:00", show_default=True)
@click.option("--to", "day_end", default="12:00", show_default=True)
@click.option("--slot-minutes", default=30, show_default=True, type=int)
@click.option("--tables", default="5", show_default=True,
              help="A number of tables, or comma-separated table names.")
@click.option("--max-meetings", default=3, show_default=True, type=int,
              help="Default max meetings per participant.")
@click.option("--min-score", default=0.3, show_default=True, type=float)
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
    from duijie.graph.events import create_event, slot_grid

    day_list = [d.strip() for d in days.split(",") if d.strip()]
    table_list = ([f"T{i + 1}" for i in range(int(tables))] if tables.isdigit()
                  else [t.strip() for t in tables.split(",") if t.strip()])
    props = {k: v for k, v in {
        "place": place, "region": region, "event_type": event_type, "organiser": organiser,
        "start_date": day_list[0] if day_list else None,
        "end_date": day_list[-1] if day_list else None, "language": language,
        "max_meetings_default": max_meetings, "min_score": min_score,
        "institute_per_firm": institute_per_firm or None,
        "one_per_organisation": one_per_organisation or None,
        "met_before_cutoff": met_before_cutoff}.items() if v is not None}
    node = create_event(app.store, name=name, event_id=event_id,
                        slots=slot_grid(day_list, day_start, day_end, slot_minutes),
                        tables=table_list, **props)
    if as_json:
        echo_json(node.to_dict())
    else:
        click.echo(f"created {node.id}: {len(node.props.get('slots', []))} slots, "
                   f"{len(table_list)} tables")


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
    from duijie.graph.events import add_participants, invitation_plan

    parsed = []
    for w in windows:
        if "/" not in w:
            raise click.BadParameter("use START/END", param_hint="--available")
        parsed.append(tuple(w.split("/", 1)))
    added = (add_participants(app.store, event_id, list(participants),
                              max_meetings=max_meetings, language=language,
                              availability=parsed or None) if participants else [])
    result: dict = {"added": added}
    if budget is not None:
        plan = invitation_plan(app.store, event_id, budget, region=candidates_region,
                               strong=strong, use_recommender=not simple_scores)
        result["invitations"] = {"invited": plan.invited, "covered": plan.covered,
                                 "uncovered": plan.uncovered,
                                 "covered_weight": plan.covered_weight,
                                 "total_weight": plan.total_weight}
    if as_json:
        echo_json(result)
        return
    for a in added:
        click.echo(f"added {a['id']} ({a['side']})")
    if budget is not None:
        inv = result["invitations"]
        click.echo(f"invited {len(inv['invited'])}: {', '.join(inv['invited'])}")
        click.echo(f"covered {inv['covered_weight']:g} of {inv['total_weight']:g} priority")
        for need, why in inv["uncovered"].items():
            click.echo(f"  uncovered {need}: {why}")


@event.command()
@click.argument("event_id")
@click.argument("kind", type=click.Choice(["request", "decline", "pin", "forbid",
                                           "met_before"]))
@click.argument("firm")
@click.argument("helper")
@click.option("--status", default="accepted", show_default=True,
              type=click.Choice(["pending", "accepted", "declined"]))
@click.option("--reason", default=None)
@click.option("--by", default=None)
@pass_app
def rule(app: AppContext, event_id: str, kind: str, firm: str, helper: str, status: str,
         reason: str | None, by: str | None) -> None:
    """Record a request, decline, pin, forbid or met-before exclusion for a pair.

    \b
    Example:
      duijie event rule evt:xian pin ent:dali inst:xjtu
      duijie event rule evt:xian request ent:dali exp:li --status declined --reason too_early
    """
    from duijie.graph.events import add_pair_rule

    add_pair_rule(app.store, event_id, kind, firm, helper, status=status, by=by, reason=reason)
    click.echo(f"{kind} ({firm}, {helper}) recorded")


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
    from functools import partial

    from duijie.api.jobs import Job, run_in_foreground
    from duijie.graph.events import event_meetings, plan_event_meetings, recommender_scores

    # Planning an event never learns from its own record (its node, meetings, outcomes).
    scorer = None if simple_scores else partial(recommender_scores, exclude_event=event_id)

    def show(stage: str) -> None:  # stages on a terminal; Ctrl-C cancels the job
        if sys.stderr.isatty():
            click.echo(f"\rplanning: {stage:<12}", err=True, nl=False)

    job = Job(lambda progress, cancelled: plan_event_meetings(
        app.store, event_id, scorer=scorer, solver=solver, progress=progress,
        cancelled=cancelled), name=f"plan {event_id}")
    result = run_in_foreground(job, show)
    meetings = event_meetings(app.store, event_id)
    reasons = {(m.props.get("firm_id"), m.props.get("helper_id")): m.props.get("reasons", [])
               for m in meetings}
    data = {"meetings": [{"firm": m.firm, "helper": m.helper, "score": m.score,
                          "source": m.source, "reasons": reasons.get((m.firm, m.helper), [])}
                         for m in result.meetings],
            "unassigned": result.unassigned, "alternates": result.alternates,
            "diagnostics": result.diagnostics, "covered_firms": result.covered_firms,
            "weakest_best": result.weakest_best, "total_score": result.total_score,
            "solver": result.solver}
    if as_json:
        echo_json(data)
        return
    ids = [i for m in data["meetings"] for i in (m["firm"], m["helper"])]
    names = display_names(app.store, ids)
    for m in data["meetings"]:
        click.echo(f"{names[m['firm']]} × {names[m['helper']]}  {m['score']:.2f}  "
                   f"[{m['source']}]  {'；'.join(m['reasons'][:2])}")
    for note in result.diagnostics:
        click.echo(f"note: {note}")
    for pid, why in result.unassigned.items():
        click.echo(f"unassigned {pid}: {why}")


def display_names(store, node_ids) -> dict[str, str]:
    """Names to show for ids; an id that is not stored shows as itself."""
    nodes = store.get_nodes(node_ids)
    return {i: nodes[i].name if i in nodes else i for i in node_ids}


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
    from duijie.graph.events import publish_event, schedule_event

    result = schedule_event(app.store, event_id)
    published = publish_event(app.store, event_id) if publish else 0
    data = {"placements": [{"meeting": p.meeting_id, "slot": p.slot_id, "table": p.table,
                            "start": p.start.isoformat(), "end": p.end.isoformat(),
                            "fixed": p.fixed} for p in result.placements],
            "unplaced": result.unplaced, "idle_gaps": result.total_idle_gaps,
            "published": published}
    if as_json:
        echo_json(data)
        return
    meetings = app.store.get_nodes(p.meeting_id for p in result.placements)
    pairs = {mid: (m.props.get("firm_id", ""), m.props.get("helper_id", ""))
             for mid, m in meetings.items()}
    names = display_names(app.store, [i for pair in pairs.values() for i in pair if i])
    for p in result.placements:
        firm, helper = pairs.get(p.meeting_id, ("", ""))
        who = f"{names.get(firm, firm)} × {names.get(helper, helper)}" if firm else p.meeting_id
        click.echo(f"{p.start:%m-%d %H:%M}-{p.end:%H:%M} {p.table:<5} {who}  ({p.meeting_id})")
    for mid, why in result.unplaced.items():
        click.echo(f"not placed {mid}: {why}")
    click.echo(f"{len(result.placements)} placed, {len(result.unplaced)} not placed, "
               f"{result.total_idle_gaps} idle gaps" + (f", {published} published"
                                                         if publish else ""))


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
    from duijie.graph.events import agenda_items
    from duijie.matcher.agenda import render_agenda

    info, items = agenda_items(app.store, event_id)
    event_props = app.store.get_node(event_id).props
    own = next((p.get("language") for p in event_props.get("participants", [])
                if p["id"] == participant), None)
    lang = lang or (own if own in ("zh", "en") else None) or event_props.get("language", "zh")
    data = render_agenda(items, info, fmt, participant=participant, lang=lang)
    if out is None:
        if isinstance(data, bytes) and fmt == "xlsx":
            raise click.UsageError("xlsx is binary: give --out FILE")
        click.echo(data.decode() if isinstance(data, bytes) else data, nl=False)
        return
    path = Path(out)
    tmp = path.with_name(path.name + ".part")  # written whole or not at all
    tmp.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    tmp.replace(path)
    click.echo(f"wrote {path} ({fmt})")


@event.command()
@click.argument("meeting_id")
@click.option("--stage", default="post_event", show_default=True,
              type=click.Choice(["post_event", "m1", "m3", "m6", "m12"]))
@click.option("--held/--no-show", default=None)
@click.option("--rating-need", type=click.IntRange(1, 5), default=None)
@click.option("--rating-helper", type=click.IntRange(1, 5), default=None)
@click.option("--intent/--no-intent", default=None)
@click.option("--ledger", default=None, type=click.Choice(
    ["no_contact", "negotiating", "letter_of_intent", "signed", "registered", "funded"]))
@click.option("--value", "value", default=None, type=float, help="Contract value.")
@click.option("--unit", default="万元", show_default=True, help="Only 万元 is accepted.")
@click.option("--reason-code", default=None, type=click.Choice(
    ["too_early", "unclear_benefit", "price", "no_capacity", "no_show", "not_relevant",
     "other"]))
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
    from duijie.graph.outcomes import record_outcome

    node = record_outcome(app.store, meeting_id, stage, held=held, rating_need_side=rating_need,
                          rating_helper_side=rating_helper, intent=intent, ledger=ledger,
                          contract_value=value, unit=unit, reason_code=reason_code,
                          reason=reason, notes=notes)
    if as_json:
        echo_json(node.to_dict())
    else:
        click.echo(f"recorded {node.id}")


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
    from duijie.graph.outcomes import replace_no_show

    node = replace_no_show(app.store, meeting_id)
    if as_json:
        echo_json(node.to_dict() if node else None)
    elif node:
        click.echo(f"{meeting_id} no-show; {node.props['helper_id']} takes its place "
                   f"({node.props.get('start')}, {node.props.get('table')}) as {node.id}")
    else:
        click.echo(f"{meeting_id} no-show; no alternate is free in that slot")


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
    from duijie.graph.outcomes import add_follow_up, overdue_follow_ups

    if meeting_id:
        if not (action and owner and due):
            raise click.UsageError("--add needs --action, --owner and --due")
        item = add_follow_up(app.store, meeting_id, action, owner, due)
        echo_json(item) if as_json else click.echo(f"follow-up added to {meeting_id}")
        return
    rows = overdue_follow_ups(app.store, today, event_id)
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        click.echo(f"{r['due']} ({r['days_overdue']} days) {r['owner']:<8} {r['action']}  "
                   f"{r['meeting']} [{r['meeting_id']}]")
    if not rows:
        click.echo("no overdue follow-ups")


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

    \b
    Example:
      duijie seed && duijie event replay evt:xian-docking-2019-05
      duijie event replay evt:xian-docking-2019-05 --record && duijie event followups
    """
    from duijie.graph.replay import plan_event, render_replay

    result = plan_event(app.store, event_id, budget=budget, use_recommender=not simple_scores,
                        record=record)
    if as_json:
        echo_json({"invited": result.invited, "pairs": result.pairs,
                   "unassigned": result.plan.unassigned, "unplaced": result.schedule.unplaced,
                   "recorded": result.recorded, "written": result.written})
        return
    click.echo(render_replay(result))


def register(group: click.Group) -> None:
    group.add_command(event)
