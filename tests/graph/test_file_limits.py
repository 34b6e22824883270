"""Hostile spreadsheets are refused fast, whole, with one clear message and bounded memory."""

from __future__ import annotations

import subprocess
import sys
import time
import zipfile

import pytest
from openpyxl import Workbook

from duijie.graph.errors import InvalidInput
from duijie.graph.importers import parse_table
from duijie.graph.tabular import LIMITS, FileLimits, read_csv, read_table, read_xlsx


def cli(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "duijie.api.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def test_a_row_of_two_million_cells_is_one_error_line(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("企业名称\n" + "甲," * 2_000_001 + "乙\n", encoding="utf-8")
    started = time.monotonic()
    done = cli("--db", str(tmp_path / "d.db"), "import", "enterprise", str(path), cwd=tmp_path)
    assert done.returncode == 2
    assert time.monotonic() - started < 120  # seconds, not the minutes it took unbounded
    assert "wide.csv，第 2 行" in done.stderr and "有 2,000,002 个单元格" in done.stderr
    assert len(done.stderr.splitlines()) <= 3
    assert not (tmp_path / "d.db").exists()  # the import made it: nothing is left


def test_an_import_lists_at_most_the_problem_cap(tmp_path):
    path = tmp_path / "bad.csv"
    rows = "".join(f"公司{i},-{i + 1}\n" for i in range(1000))
    path.write_text("企业名称,营业收入（万元）\n" + rows, encoding="utf-8")
    parsed = parse_table("Enterprise", read_csv(path))
    assert len(parsed.problems) == LIMITS.problems + 1
    assert parsed.problems[-1].startswith("bad.csv: stopped looking after 100 problems")


def test_a_csv_over_the_size_limit_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"name\n" + b"x\n" * 600)
    with pytest.raises(InvalidInput, match="a CSV file may be at most 0 MiB"):
        read_csv(path, FileLimits(csv_bytes=1000))


def test_a_workbook_that_unpacks_too_far_is_refused_before_parsing(tmp_path):
    """One huge cell: the zip directory says how big it unpacks, so it is never read."""
    path = tmp_path / "bomb.xlsx"
    book = Workbook()
    book.active.append(["企业名称"])
    book.active.append(["甲" * 30_000])
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(i.file_size for i in archive.infolist())
    limits = FileLimits(xlsx_uncompressed_bytes=unpacked - 1)
    with pytest.raises(InvalidInput, match="a workbook may unpack to at most") as caught:
        read_xlsx(path, limits=limits)
    assert caught.value.where == "bomb.xlsx"
    assert read_xlsx(path).rows[0][1][0].length == 30_000  # within the limits: read, not echoed


def test_a_sheet_declaring_too_many_rows_is_refused_at_once(tmp_path):
    path = tmp_path / "long.xlsx"
    book = Workbook()
    for i in range(601):
        book.active.append([f"公司{i}" if i else "企业名称"])
    book.save(path)
    with pytest.raises(InvalidInput, match="declares 601 rows"):
        read_xlsx(path, limits=FileLimits(rows=500))
    assert len(read_table(path).rows) == 600
    # A sheet without a declared size is stopped while it streams.
    bare = tmp_path / "bare.xlsx"
    streamed = Workbook(write_only=True)
    sheet = streamed.create_sheet("企业")
    for i in range(601):
        sheet.append([f"公司{i}" if i else "企业名称"])
    streamed.save(bare)
    with pytest.raises(InvalidInput, match="more than 500 data rows"):
        read_xlsx(bare, limits=FileLimits(rows=500))


def test_rows_beyond_the_limit_are_refused_while_streaming(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("name\n" + "".join(f"公司{i}\n" for i in range(30)), encoding="utf-8")
    with pytest.raises(InvalidInput, match="more than 20 data rows") as caught:
        read_csv(path, FileLimits(rows=20))
    assert caught.value.where == "rows.csv, row 22"


def _one_cell_workbook(path, megabytes: int) -> None:
    """A workbook (a few hundred KB) whose one data cell unpacks to `megabytes` MiB:
    under the unpack limit, so only a streaming check keeps it out of memory."""
    book = Workbook()
    book.active.append(["企业名称"])
    book.active.append(["placeholder"])
    book.save(path)
    with zipfile.ZipFile(path) as source:
        parts = {n: source.read(n) for n in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    start = sheet.index(b'<c r="A2"')  # the cell, rewritten as an inline string
    head, tail = sheet[:start], sheet[sheet.index(b"</c>", start):]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                out.writestr(name, data)
        with out.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(head + b'<c r="A2" t="inlineStr"><is><t>')
            for _ in range(megabytes):
                part.write("甲".encode() * (2**20 // 3))
            part.write(b"</t></is>" + tail)  # tail starts with the cell's </c>


def test_a_huge_cell_under_the_unpack_limit_is_refused_with_bounded_memory(tmp_path):
    """A 64 MiB cell (the issue's 1 GiB cell, smaller): refused by streaming the sheet
    through a small buffer before openpyxl holds any of it, naming the file and part."""
    import tracemalloc

    path = tmp_path / "cell.xlsx"
    _one_cell_workbook(path, 64)
    assert path.stat().st_size < 2**20
    tracemalloc.start()
    try:
        with pytest.raises(InvalidInput, match="a cell may have at most 20,000 characters") \
                as caught:
            read_xlsx(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.where == "cell.xlsx" and "xl/worksheets/sheet1.xml" in str(caught.value)
    assert peak < 16 * 2**20, f"peak {peak / 2**20:.0f} MiB while refusing a 64 MiB cell"
    # A long but legal-sized cell still passes the scan and is reported by row and field.
    book = Workbook()
    book.active.append(["企业名称"])
    book.active.append(["甲" * (LIMITS.cell_chars + 1)])
    book.save(tmp_path / "long.xlsx")
    assert read_xlsx(tmp_path / "long.xlsx").rows[0][1][0].length == LIMITS.cell_chars + 1
