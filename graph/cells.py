"""What Duijie writes into a spreadsheet cell: text that never runs as a formula.

A name such as ``=HYPERLINK("http://x","点击")`` or ``@SUM(A1)`` in a need or a firm's
name would be a live formula when Excel or WPS opens a CSV or XLSX that Duijie wrote
(CSV injection). OWASP's rule: a cell that starts with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return is written with a leading ``'``, which spreadsheets read as
"this is text". Full-width ``＝＋－＠`` are treated the same (Chinese input methods
type them, and some spreadsheets convert them). XLSX cells are in addition written as
string cells, never formula cells.

>>> safe_cell('=HYPERLINK("http://x","点击")')
'\\'=HYPERLINK("http://x","点击")'
>>> safe_cell("西安光机所"), safe_cell("0.82"), safe_cell("")
('西安光机所', '0.82', '')
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")

EXCEL_CSV_BOM = "\ufeff"
"""CSV meant for Excel starts with a byte-order mark, or Excel reads UTF-8 as GBK."""


def safe_cell(value: object) -> str:
    """The cell's text, with a leading ``'`` when a spreadsheet would run it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
