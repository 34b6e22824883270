"""`duijie report`: the analyst's report of one event or of every event."""

from __future__ import annotations

from pathlib import Path

import click

from duijie.api.cli.context import AppContext, echo_json, json_option, pass_app
from duijie.api.cli.words import cli_lang


@click.command()
@click.argument("event_id", required=False)
@click.option("--all", "all_events", is_flag=True, help="Every event together.")
@click.option("--out", "out_path", type=click.Path(path_type=Path, dir_okay=False),
              metavar="report.html", help="Write the report as one standalone HTML file.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help="Language of the HTML file and the printed findings "
                   "[default: the CLI's, zh unless DUIJIE_LANG=en].")
@click.option("--today", default=None, metavar="YYYY-MM-DD",
              help="Date the overdue follow-ups are counted from (default: today).")
@click.option("--rank-events", default=None, type=click.IntRange(0, 100_000),
              help="With --all: rank partners for the latest N events with a record "
                   "(default: every one).")
@click.option("--learn", is_flag=True,
              help="Also learn from every recorded outcome: the chosen model, its reliability "
                   "curve and whether it beats the hybrid ranking (slow: a graph per event).")
@json_option
@pass_app
def report(app: AppContext, event_id: str | None, all_events: bool, out_path: Path | None,
           lang: str | None, today: str | None, rank_events: int | None, learn: bool,
           as_json: bool) -> None:
    """Report what came of an event: funnel, sign rate with its interval, where the
    partners ranked before the event, scorer comparison, learning, overdue follow-ups,
    and what went well and what to change.

    \b
    Example:
      duijie report evt:xian-docking-2019-05 --out report.html
      duijie report --all --out all.html --lang en --learn
      duijie report evt:xian-docking-2019-05 --json
    """
    from duijie.api.services.report import all_events_report, event_report
    from duijie.api.web.report_html import report_file_html, translator

    if bool(event_id) == all_events:
        raise click.UsageError("give an EVENT_ID or --all (not both)")
    if today is not None:
        from datetime import date

        try:
            date.fromisoformat(today)
        except ValueError:
            raise click.BadParameter(f"{today!r} is not a date (YYYY-MM-DD)",
                                     param_hint="--today") from None
    lang = lang or cli_lang()
    result = (all_events_report(app.store, today=today, rank_events=rank_events, learn=learn)
              if all_events else event_report(app.store, event_id, today=today, learn=learn))
    data = result.to_dict()
    if out_path is not None:
        try:
            out_path.write_text(report_file_html(data, lang), encoding="utf-8")
        except OSError as exc:
            raise click.FileError(str(out_path), exc.strerror) from None
    if as_json:
        echo_json(data)
        return
    t = translator(lang)
    title = (t("analysis_title_all") if data["scope"] == "all"
             else t("analysis_title_event", name=data["title"]))
    click.echo(title)
    for kind in ("good", "change", "note"):
        items = [f for f in data["findings"] if f["kind"] == kind]
        if items:  # a heading over invented pairs alone ("what went well") is marked too
            invented = all(f["data"] in ("illustrative", "mixed") for f in items)
            click.echo(f"\n{t('analysis_kind_' + kind)}"
                       f"{t('illustrative_mark') if invented else ''}")
            for f in items:  # a finding on invented pairs says so, in every line
                tag = (f" [{t('analysis_data_' + f['data'])}]"
                       if f["data"] in ("illustrative", "mixed") else "")
                click.echo(f"  - {t(f['key'], **f['values'])}{tag}")
    if out_path is not None:
        click.echo(f"\n→ {out_path}", err=True)


def register(group: click.Group) -> None:
    group.add_command(report)
