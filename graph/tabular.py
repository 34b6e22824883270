"""Reading spreadsheets: CSV in the encodings Chinese offices use, and XLSX.

A `Table` is the file as plain data (header, numbered rows, the encoding that
was detected), so turning rows into graph records never touches a file. Rows
are numbered as a spreadsheet shows them: the header is row 1.

Encodings are tried in a fixed order: a byte-order mark (UTF-8 or UTF-16), then
strict UTF-8, then GB18030 (a superset of GBK and GB2312, which Chinese Excel
writes). A file that is none of these is refused with the offset of the first
bad byte.

>>> table = parse_csv("企业名称,营业收入\\n浙江大立科技,1200\\n", "firms.csv", "utf-8")
>>> table.headers, table.rows
(['企业名称', '营业收入'], [(2, ['浙江大立科技', '1200'])])
>>> decode_bytes("企业".encode("gbk"), "firms.csv")
('企业', 'gb18030')

Limits, the same for CSV and XLSX and checked while reading, so that a hostile file
is refused in seconds with bounded memory (`FileLimits`): 256 MiB of CSV, 512 MiB
of XLSX once uncompressed (checked in the zip directory before anything is parsed),
500,000 data rows, 256 cells a row, 20,000 characters a cell (a longer cell is kept
as its length, never echoed), and an import lists at most 100 problems.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from duijie.graph.errors import InvalidInput, at
from duijie.graph.import_words import ImportFileError, ImportIssue
from duijie.graph.model import MAX_TEXT

XLSX_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class FileLimits:
    """What a spreadsheet Duijie reads may hold; past a limit the file is refused whole."""

    csv_bytes: int = 256 * 2**20
    xlsx_uncompressed_bytes: int = 512 * 2**20
    rows: int = 500_000
    cells_per_row: int = 256
    cell_chars: int = MAX_TEXT
    problems: int = 100  # listed before an import stops looking


LIMITS = FileLimits()


@dataclass(frozen=True)
class TooLong:
    """Stands in for a cell longer than any field may be, so the value is never echoed."""

    length: int

    def __repr__(self) -> str:
        return f"<{self.length} characters>"


@dataclass
class Table:
    """A sheet as plain data: header cells and (row number, cells) pairs."""

    name: str
    headers: list[str]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    encoding: str = "utf-8"
    title: str | None = None  # a title row found above the header, skipped


def decode_bytes(data: bytes, name: str) -> tuple[str, str]:
    """Decode a CSV file's bytes; return the text and the encoding used.

    >>> decode_bytes(codecs.BOM_UTF8 + "名称".encode(), "x.csv")
    ('名称', 'utf-8-sig')
    >>> try:
    ...     decode_bytes(b"name\\n\\xff\\xff", "x.csv")
    ... except InvalidInput as exc:
    ...     print(exc.where)
    x.csv, line 2, byte 5
    """
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    error: UnicodeDecodeError | None = None
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            # Name the bad byte of the encoding that read furthest: the one the file is in.
            if error is None or exc.start > error.start:
                error = exc
    assert error is not None
    start = error.start
    line = data.count(b"\n", 0, start) + 1
    tried = " nor ".join("GB18030/GBK" if c == "gb18030" else c.upper() for c in candidates)
    raise ImportFileError(ImportIssue("file_not_decoded", name, line=line, byte=start,
                                      tried=tried), value=data[start:start + 2],
                          where=f"{name}, line {line}, byte {start}")


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        if len(value) > MAX_TEXT:
            return TooLong(len(value))
        return value or None
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    return value


def _check_row(name: str, number: int, raw: Any, data_rows: int, limits: FileLimits) -> None:
    if len(raw) > limits.cells_per_row:
        raise ImportFileError(ImportIssue("file_too_many_cells", name, row=number,
                                          count=f"{len(raw):,}", most=limits.cells_per_row))
    if data_rows > limits.rows:
        raise ImportFileError(ImportIssue("file_too_many_rows", name, row=number,
                                          most=f"{limits.rows:,}"))


def _table(name: str, encoding: str, lines: Any, limits: FileLimits = LIMITS) -> Table:
    """Build a table from an iterator of (row number, raw cells); blank rows are skipped.

    A title row above the header (one filled cell, as in 2019年企业需求汇总表 merged
    across the sheet) is skipped when the row after it has several filled cells.
    """
    table = Table(name, [], [], encoding)
    pending: list[Any] | None = None  # a one-cell first row: a title or a one-column header
    header_found = False
    for number, raw in lines:
        _check_row(name, number, raw, len(table.rows) + 1, limits)
        cells = [_cell(v) for v in raw]
        filled = sum(c is not None for c in cells)
        if not filled:
            continue
        if not header_found:
            if pending is None and filled == 1:
                pending = [number, cells]
                continue
            if pending is not None and filled == 1:
                table.headers = _headers(pending[1])  # a one-column file: keep the row
                table.rows.append((number, cells))
            elif pending is not None:
                table.title = str(next(c for c in pending[1] if c is not None))
                table.headers = _headers(cells)
            else:
                table.headers = _headers(cells)
            header_found = True
            continue
        table.rows.append((number, cells))
    if pending is not None and not header_found:
        table.headers = _headers(pending[1])
        header_found = True
    if not header_found:
        raise ImportFileError(ImportIssue("file_empty", name))
    if not table.rows:
        raise ImportFileError(ImportIssue("file_no_rows", name))
    return table


def _headers(cells: list[Any]) -> list[str]:
    headers = ["" if c is None else str(c) for c in cells]
    while headers and not headers[-1]:
        headers.pop()
    return headers


def parse_csv(text: str, name: str, encoding: str, limits: FileLimits = LIMITS) -> Table:
    """Parse decoded CSV (comma- or tab-separated) into a `Table`."""
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    # A cell may be a little over the field limit so that its length can be reported.
    csv.field_size_limit(max(csv.field_size_limit(), limits.cell_chars * 4 + 1024))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def numbered():
        number = 0
        while True:
            number += 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "field larger than field limit" in str(exc):
                    raise ImportFileError(ImportIssue(
                        "file_cell_too_long", name, row=number,
                        length=csv.field_size_limit(), most=MAX_TEXT)) from None
                raise ImportFileError(ImportIssue("file_not_csv", name, row=number,
                                                  reason=str(exc))) from None
            yield number, row

    return _table(name, encoding, numbered(), limits)


def read_csv(path: str | Path, limits: FileLimits = LIMITS) -> Table:
    """Read a CSV file, detecting its encoding."""
    path = Path(path)
    if path.is_file() and path.stat().st_size > limits.csv_bytes:
        raise ImportFileError(ImportIssue("file_too_big", path.name,
                                          size=f"{path.stat().st_size / 2**20:,.0f}",
                                          most=limits.csv_bytes // 2**20))
    text, encoding = decode_bytes(_read_bytes(path), path.name)
    return parse_csv(text, path.name, encoding, limits)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ImportFileError(ImportIssue("file_missing", "FILE", path=str(path)),
                              value=str(path)) from None
    except IsADirectoryError:
        raise ImportFileError(ImportIssue("file_is_folder", "FILE", path=str(path)),
                              value=str(path)) from None
    except PermissionError:
        raise ImportFileError(ImportIssue("file_unreadable", "FILE", path=str(path)),
                              value=str(path)) from None


def _check_xlsx_size(path: Path, limits: FileLimits) -> None:
    """Refuse a workbook whose parts unpack past the limit, before parsing any of it
    (a 1 MB file may hold a 1 GiB cell; openpyxl would read it whole)."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFileError(ImportIssue("file_not_xlsx", path.name,
                                          reason=exc.__class__.__name__)) from None
    if unpacked > limits.xlsx_uncompressed_bytes:
        raise ImportFileError(ImportIssue(
            "file_unpacks_too_big", path.name, size=f"{unpacked / 2**20:,.0f}",
            most=limits.xlsx_uncompressed_bytes // 2**20))


XML_BYTES_PER_CHAR = 10  # the most one character can take in a sheet's XML (&#1114111;)
_SCAN_CHUNK = 2**20


def _check_xlsx_cells(path: Path, limits: FileLimits) -> None:
    """Refuse a workbook holding a text far longer than any cell may be, streaming its
    sheets and shared strings through a small buffer before openpyxl reads any of it:
    openpyxl holds a cell's whole text (a 500 MiB cell took 700 MB), this scan a chunk.
    A text up to the cell limit always passes, so a long but legal cell is still
    reported by row and field."""
    longest = limits.cell_chars * XML_BYTES_PER_CHAR + 1024
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            name = info.filename
            if not (name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml"):
                continue
            with archive.open(info) as part:
                carry = b""
                while chunk := part.read(_SCAN_CHUNK):
                    text = carry + chunk
                    # The longest stretch without a tag (split runs in C: ~1 s per 100 MB).
                    if max(map(len, text.split(b"<"))) > longest:
                        raise ImportFileError(ImportIssue(
                            "file_huge_text", path.name, length=f"{longest:,}", part=name,
                            most=f"{limits.cell_chars:,}"))
                    carry = text[text.rfind(b"<") + 1:]


def read_xlsx(path: str | Path, sheet: str | None = None, limits: FileLimits = LIMITS
              ) -> Table:
    """Read the first sheet (or `sheet`) of an XLSX workbook in read-only mode."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    path = Path(path)
    if not path.is_file():
        _read_bytes(path)  # raises the same message as for a CSV file
    _check_xlsx_size(path, limits)
    try:
        _check_xlsx_cells(path, limits)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ImportFileError(ImportIssue("file_not_xlsx", path.name,
                                          reason=exc.__class__.__name__)) from None
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise ImportFileError(ImportIssue("file_not_xlsx", path.name,
                                          reason=exc.__class__.__name__)) from None
    try:
        if sheet is None:
            worksheet = book.worksheets[0]
        elif sheet in book.sheetnames:
            worksheet = book[sheet]
        else:
            raise ImportFileError(ImportIssue("file_no_sheet", path.name, cell=sheet,
                                              sheets=list(book.sheetnames)), value=sheet)
        where = path.name if sheet is None else f"{path.name} [{sheet}]"
        # The sheet's own dimension tells a 3-million-row file before it is streamed.
        declared = worksheet.max_row or 0
        if declared > limits.rows + 2:
            raise ImportFileError(ImportIssue("file_declares_rows", where,
                                              count=f"{declared:,}", most=f"{limits.rows:,}"))
        if (worksheet.max_column or 0) > limits.cells_per_row:
            raise ImportFileError(ImportIssue("file_declares_columns", where,
                                              count=f"{worksheet.max_column:,}",
                                              most=limits.cells_per_row))
        rows = enumerate(worksheet.iter_rows(values_only=True), start=1)
        return _table(where, "xlsx", rows, limits)
    finally:
        book.close()


def read_table(path: str | Path, sheet: str | None = None) -> Table:
    """Read a CSV or XLSX file (chosen by suffix) into a `Table`."""
    path = Path(path)
    if path.suffix.lower() in XLSX_SUFFIXES:
        return read_xlsx(path, sheet)
    if sheet is not None:
        raise InvalidInput(key="imports.sheet_xlsx_only", value=path.name,
                           where=at("field.sheet"))
    return read_csv(path)
