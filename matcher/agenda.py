"""Agendas of a docking event: CSV, XLSX, iCalendar and printable HTML (`render_agenda`).

Pure rendering: plain items in, `str` or `bytes` out; the CLI writes the
files. Spreadsheets are safe to open: no cell runs as a formula
(`duijie.graph.cells.safe_cell`), and CSV starts with a BOM so Excel reads UTF-8.
One participant's agenda or the organiser's whole programme; Chinese
labels by default, English on request. Times are wall-clock times in
Asia/Shanghai unless they carry their own time zone.

>>> from datetime import datetime as dt
>>> item = AgendaItem("mtg:1", dt(2019, 5, 23, 9), dt(2019, 5, 23, 9, 30), "T1",
...                   "ent:a", "某光电公司", "exp:x", "李教授", 0.82)
>>> csv_text = render_agenda([item], EventInfo("evt:x", "西安对接会", "西安"), "csv")
>>> csv_text.startswith(EXCEL_CSV_BOM), csv_text.splitlines()[0][1:]
(True, '开始,结束,桌号,企业,专家/机构,匹配度,理由')
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from duijie.graph.cells import EXCEL_CSV_BOM, safe_cell
from duijie.graph.errors import InvalidInput, at
from duijie.graph.vocab import illustrative_mark
from duijie.matcher.reasons import render_reason

TZ = ZoneInfo("Asia/Shanghai")
FORMATS = ("csv", "xlsx", "ics", "html")

LABELS = {
    "zh": {"start": "开始", "end": "结束", "table": "桌号", "firm": "企业",
           "helper": "专家/机构", "score": "匹配度", "reasons": "理由", "agenda": "日程",
           "meeting": "对接", "with": "与", "organiser": "组织方总日程", "place": "地点"},
    "en": {"start": "Start", "end": "End", "table": "Table", "firm": "Firm",
           "helper": "Expert/institute", "score": "Score", "reasons": "Reasons",
           "agenda": "Agenda", "meeting": "Meeting", "with": "with",
           "organiser": "Organiser's programme", "place": "Place"},
}


@dataclass(frozen=True)
class AgendaItem:
    meeting_id: str
    start: datetime
    end: datetime
    table: str
    firm_id: str
    firm: str
    helper_id: str
    helper: str
    score: float | None = None
    reasons: tuple[str | dict, ...] = ()  # structured (`matcher.reasons`) or words
    firm_illustrative: bool = False  # invented demo records: shown marked 示意
    helper_illustrative: bool = False


@dataclass(frozen=True)
class EventInfo:
    id: str
    name: str
    place: str | None = None


def agenda_for(items: Sequence[AgendaItem], participant: str | None = None
               ) -> list[AgendaItem]:
    """The items of one participant (firm or helper id), or all of them, by time.

    >>> agenda_for([], "ent:a")
    []
    """
    chosen = [i for i in items if participant is None or participant in (i.firm_id, i.helper_id)]
    return sorted(chosen, key=lambda i: (i.start, i.table, i.meeting_id))


def render_agenda(items: Sequence[AgendaItem], event: EventInfo, fmt: str, *,
                  participant: str | None = None, lang: str = "zh",
                  stamp: datetime | None = None) -> str | bytes:
    """Render the agenda in one format: csv/html give `str`, xlsx/ics give `bytes`.

    Parameters
    ----------
    items : sequence of AgendaItem
        The scheduled meetings of the event.
    event : EventInfo
    fmt : {"csv", "xlsx", "ics", "html"}
    participant : str, optional
        Only this participant's meetings; the organiser's programme when None.
    lang : {"zh", "en"}
    stamp : datetime, optional
        DTSTAMP for the calendar (UTC now by default).

    Raises
    ------
    InvalidInput
        An unknown format or language, or nothing scheduled (for this participant).

    Examples
    --------
    >>> render_agenda([], EventInfo("evt:x", "x"), "csv")
    Traceback (most recent call last):
    ...
    duijie.graph.errors.InvalidInput: agenda of x: has no scheduled meetings: schedule ...
    """
    if fmt not in FORMATS:
        raise InvalidInput(f"is not an agenda format; use one of {', '.join(FORMATS)}",
                           value=fmt, where="agenda")
    if lang not in LABELS:
        raise InvalidInput("is not a language; use zh or en", value=lang, where="agenda")
    chosen = agenda_for(items, participant)
    if not chosen:
        raise nothing_scheduled(event, participant)
    render = {"csv": _csv, "xlsx": _xlsx, "ics": _ics, "html": _html}[fmt]
    return render(chosen, event, LABELS[lang], participant, stamp)


def nothing_scheduled(event: EventInfo, who: str | None = None) -> InvalidInput:
    """The refusal of an agenda with no scheduled meetings (`who`: whose agenda, a name
    where the caller knows it).

    >>> err = nothing_scheduled(EventInfo("evt:x", "西安对接会"), "甲公司")
    >>> err.text("zh")
    '“西安对接会”日程：甲公司没有已排期的会谈：请先为活动排期'
    """
    where = at("where.agenda_of", event=event.name)
    if who:
        return InvalidInput(key="events.agenda_empty_for", params={"who": who, "event": event.id},
                            where=where)
    return InvalidInput(key="events.agenda_empty", params={"event": event.id}, where=where)


def _reasons(item: AgendaItem, labels: dict) -> list[str]:
    """The item's reasons in the agenda's language (`matcher.reasons.render_reason`)."""
    lang = "zh" if labels is LABELS["zh"] else "en"
    return [render_reason(r, lang) for r in item.reasons]


def _local(t: datetime) -> datetime:
    return t.replace(tzinfo=TZ) if t.tzinfo is None else t


def _who(item: AgendaItem, labels) -> tuple[str, str]:
    """The firm's and the helper's names, an invented one marked in the agenda's language."""
    lang = "zh" if labels is LABELS["zh"] else "en"
    return (item.firm + illustrative_mark(item.firm_illustrative, lang),
            item.helper + illustrative_mark(item.helper_illustrative, lang))


def _rows(items, labels) -> tuple[list[str], list[list[str]]]:
    head = [labels[k] for k in ("start", "end", "table", "firm", "helper", "score", "reasons")]
    rows = [[f"{i.start:%Y-%m-%d %H:%M}", f"{i.end:%Y-%m-%d %H:%M}", i.table, *_who(i, labels),
             "" if i.score is None else f"{i.score:.2f}",
             ("；" if labels is LABELS["zh"] else "; ").join(_reasons(i, labels))]
            for i in items]
    return head, rows


def _csv(items, event, labels, participant, stamp) -> str:
    out = io.StringIO()
    out.write(EXCEL_CSV_BOM)
    writer = csv.writer(out, lineterminator="\n")
    head, rows = _rows(items, labels)
    writer.writerow(head)
    writer.writerows([[safe_cell(c) for c in row] for row in rows])
    return out.getvalue()


def _xlsx(items, event, labels, participant, stamp) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = labels["agenda"]
    head, rows = _rows(items, labels)
    lines = [[event.name, event.place or "", participant or labels["organiser"]], head, *rows]
    for r, line in enumerate(lines, start=1):
        for c, value in enumerate(line, start=1):
            cell = sheet.cell(row=r, column=c)
            cell.value = safe_cell(value)
            cell.data_type = "s"  # a string cell, whatever the text looks like
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for col, width in zip("ABCDEFG", (17, 17, 8, 28, 28, 8, 40), strict=True):
        sheet.column_dimensions[col].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _ics(items, event, labels, participant, stamp) -> bytes:
    from icalendar import Calendar
    from icalendar import Event as VEvent

    cal = Calendar()
    cal.add("prodid", "-//Duijie//docking events//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{event.name} {labels['agenda']}")
    stamp = stamp or datetime.now(UTC)
    for i in items:
        ev = VEvent()
        ev.add("uid", f"{i.meeting_id}-{participant or 'all'}@duijie")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", _local(i.start))
        ev.add("dtend", _local(i.end))
        firm, helper = _who(i, labels)
        ev.add("summary", f"{labels['meeting']}: {firm} {labels['with']} {helper}")
        ev.add("location", " · ".join(x for x in (event.place, f"{labels['table']} {i.table}")
                                      if x))
        if i.reasons:
            ev.add("description", "\n".join(_reasons(i, labels)))
        cal.add_component(ev)
    cal.add_missing_timezones()  # VTIMEZONE for Asia/Shanghai, so calendars import it
    return cal.to_ical()


def _html(items, event, labels, participant, stamp) -> str:
    head, rows = _rows(items, labels)
    esc = html.escape
    title = f"{event.name} · {participant or labels['organiser']}"
    body = "\n".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows)
    place = f"<p>{esc(labels['place'])}: {esc(event.place)}</p>" if event.place else ""
    lang = "zh-CN" if labels is LABELS["zh"] else "en"
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{esc(title)}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       margin: 2em; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 1px solid #999; padding: 4px 8px; text-align: left; vertical-align: top; }}
th {{ background: #eee; }}
@media print {{ body {{ margin: 0; }} tr {{ page-break-inside: avoid; }} }}
</style></head>
<body><h1>{esc(event.name)}</h1><h2>{esc(participant or labels['organiser'])}</h2>{place}
<table><thead><tr>{"".join(f"<th>{esc(h)}</th>" for h in head)}</tr></thead>
<tbody>
{body}
</tbody></table></body></html>
"""
