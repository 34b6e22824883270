"""Where a fact came from, in the words of the page: a seed document by its own heading,
an imported file by its name and row, a public fact by its address; never the raw
provenance code (``seed:000_6e910e093a9df034.txt``).

>>> source_words({"source": "seed:000_6e910e093a9df034.txt"}, "en")
'Zhejiang Dept. of Economy and IT, technology innovation division: report of 17 July 2019'
>>> source_words({"source": "import:firms.csv", "row": 3}, "zh")
'导入文件 firms.csv 第 3 行'
>>> source_words({"source": "public:https://www.gov.cn/x"}, "en")
'public record: https://www.gov.cn/x'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2 import pass_context

from duijie.api.web.i18n import translate

SEED_DOCUMENTS = {  # the seed files, by the key of their heading in messages/common.toml
    "000_6e910e093a9df034.txt": "source_doc_000",
    "001_0520cc004af2469a.txt": "source_doc_001",
    "002_955e07b0edd1b8b7.txt": "source_doc_002",
    "003_8f1be0d5f7140018.txt": "source_doc_003",
    "004_9e2b8a0a13e2c809.txt": "source_doc_004",
}


def source_words(provenance: Mapping[str, Any] | Any, lang: str) -> str:
    """One provenance record (`Provenance.to_dict()`, or an object with `source` and
    `row`) as a person reads it in `lang`."""
    if not isinstance(provenance, Mapping):
        provenance = {"source": getattr(provenance, "source", None),
                      "row": getattr(provenance, "row", None)}
    source = str(provenance.get("source") or "")
    kind, _, rest = source.partition(":")
    if kind == "seed" and rest in SEED_DOCUMENTS:
        return translate(SEED_DOCUMENTS[rest], lang)
    if kind == "import":
        row = provenance.get("row")
        return (translate("source_import_row", lang, file=rest, row=row) if row
                else translate("source_import", lang, file=rest))
    if kind == "public":
        return translate("source_public", lang, url=rest)
    if kind == "user":
        return translate("source_user", lang)
    if source in ("illustrative", "generated"):
        return translate(f"source_{source}", lang)
    return translate("source_other", lang)


@pass_context
def _source_in_page_language(context: Any, provenance: Mapping[str, Any]) -> str:
    return source_words(provenance, context.get("lang", "zh"))


TEMPLATE_FUNCTIONS = {"source_words": _source_in_page_language}
"""Template global: ``{{ source_words(s) }}``."""
