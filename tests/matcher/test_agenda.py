"""Agendas parse back: CSV, XLSX with openpyxl, .ics with icalendar, HTML self-contained."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from duijie.graph.errors import InvalidInput
from duijie.matcher.agenda import AgendaItem, EventInfo, render_agenda

EVENT = EventInfo("evt:xian", "西安科技对接会", "西安高新区")
ITEMS = [
    AgendaItem("mtg:2", datetime(2019, 5, 23, 10), datetime(2019, 5, 23, 10, 30), "T2",
               "ent:b", "乙公司", "exp:x", "李教授", 0.7, ("红外", "材料")),
    AgendaItem("mtg:1", datetime(2019, 5, 23, 9), datetime(2019, 5, 23, 9, 30), "T1",
               "ent:a", "甲公司", "exp:x", "李教授", 0.9),
    AgendaItem("mtg:3", datetime(2019, 5, 24, 9), datetime(2019, 5, 24, 9, 30), "T1",
               "ent:a", "甲公司", "inst:y", "西北工业大学", None),
]
STAMP = datetime(2019, 5, 1, tzinfo=UTC)


def test_ics_parses_with_a_real_icalendar_parser():
    data = render_agenda(ITEMS, EVENT, "ics", participant="ent:a", stamp=STAMP)
    cal = Calendar.from_ical(data)
    events = list(cal.walk("VEVENT"))
    assert [str(e["uid"]) for e in events] == ["mtg:1-ent:a@duijie", "mtg:3-ent:a@duijie"]
    first = events[0]
    assert first.decoded("dtstart") == datetime(2019, 5, 23, 9, tzinfo=first.decoded(
        "dtstart").tzinfo)
    assert first["dtstart"].params["TZID"] == "Asia/Shanghai"
    assert first.decoded("dtstart").utcoffset().total_seconds() == 8 * 3600
    assert first.decoded("dtend").hour == 9 and first.decoded("dtend").minute == 30
    assert "甲公司" in str(first["summary"]) and "李教授" in str(first["summary"])
    assert str(first["location"]) == "西安高新区 · 桌号 T1"
    assert first.decoded("dtstamp") == STAMP
    assert list(cal.walk("VTIMEZONE"))  # calendars can import it without guessing the zone


def csv_rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")  # a BOM, so Excel reads the UTF-8
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_in_chinese_and_english():
    rows = csv_rows(render_agenda(ITEMS, EVENT, "csv"))
    assert rows[0][0] == "开始" and len(rows) == 4
    assert [r[0] for r in rows[1:]] == ["2019-05-23 09:00", "2019-05-23 10:00",
                                        "2019-05-24 09:00"]
    assert rows[2][6] == "红外；材料"
    en = csv_rows(render_agenda(ITEMS, EVENT, "csv", lang="en"))
    assert en[0][:3] == ["Start", "End", "Table"]


def test_xlsx_opens_with_openpyxl():
    data = render_agenda(ITEMS, EVENT, "xlsx", participant="exp:x")
    sheet = load_workbook(io.BytesIO(data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:2] == ["西安科技对接会", "西安高新区"]
    assert values[1][3] == "企业"
    assert [v[3] for v in values[2:]] == ["甲公司", "乙公司"]


def test_html_is_self_contained_and_escaped():
    items = [*ITEMS, AgendaItem("mtg:4", datetime(2019, 5, 24, 10), datetime(2019, 5, 24, 11),
                                "T1", "ent:c", "<b>丙</b>", "exp:x", "李教授")]
    page = render_agenda(items, EVENT, "html", lang="en")
    assert page.startswith("<!doctype html>") and "Organiser&#x27;s programme" in page
    assert "&lt;b&gt;丙&lt;/b&gt;" in page
    assert "http" not in page  # no CDN, prints offline


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ics", "html"])
def test_empty_agenda_is_a_clear_error(fmt):
    with pytest.raises(InvalidInput, match="no scheduled meetings"):
        render_agenda([], EVENT, fmt)
    with pytest.raises(InvalidInput, match="ent:zzz has no scheduled"):
        render_agenda(ITEMS, EVENT, fmt, participant="ent:zzz")


def test_unknown_format_and_language():
    with pytest.raises(InvalidInput, match="not an agenda format"):
        render_agenda(ITEMS, EVENT, "pdf")
    with pytest.raises(InvalidInput, match="not a language"):
        render_agenda(ITEMS, EVENT, "csv", lang="fr")


HOSTILE = ['=HYPERLINK("http://evil.example","点击")', "=cmd|' /C calc'!A0", "+1+1", "-2+3",
           "@SUM(1,1)", "＝1+1", "\t=1"]


def hostile_items() -> list[AgendaItem]:
    return [AgendaItem(f"mtg:{i}", datetime(2019, 5, 23, 9 + i), datetime(2019, 5, 23, 10 + i),
                       "T1", f"ent:{i}", name, "exp:x", "李教授", 0.5, (name,))
            for i, name in enumerate(HOSTILE)]


def test_csv_never_holds_a_live_formula():
    rows = csv_rows(render_agenda(hostile_items(), EVENT, "csv"))
    firms = [r[3] for r in rows[1:]]
    assert firms == ["'" + name for name in HOSTILE]
    assert all(r[6] == "'" + r[3][1:] for r in rows[1:])  # reasons too


def test_xlsx_writes_names_as_text_cells_never_formulas():
    data = render_agenda(hostile_items(), EventInfo("evt:x", "=1+1", "@地点"), "xlsx")
    sheet = load_workbook(io.BytesIO(data)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type == "s" for c in cells), [(c.coordinate, c.data_type) for c in cells]
    assert [c.value for c in sheet["D"][2:]] == ["'" + name for name in HOSTILE]
    assert sheet["A1"].value == "'=1+1"
