"""The problem ledger a page at a time, filtered and sorted like the other lists
(`offset`, `limit`, `sort`, `q`; `data` and `count`), for `/api/problems`.

>>> from duijie.graph import open_store
>>> from duijie.api.services.seeding import load_seed
>>> store = open_store(":memory:"); _ = load_seed(store)
>>> page = problem_page(store, ProblemQuery(sort="title", limit=2, today="2020-01-01"))
>>> page.count > 2, len(page.data), page.data[0].title <= page.data[1].title
(True, 2, True)
>>> problem_page(store, ProblemQuery(sort="size"))
Traceback (most recent call last):
...
duijie.graph.errors.InvalidInput: problem list, sort: 'size' is not a sort order \
(urgency, due, -due, opened_on, -opened_on, firm_name, -firm_name, title, -title)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from duijie.api.services import Result
from duijie.api.services.access import Viewer
from duijie.api.services.needs import OPERATOR
from duijie.api.services.problems import ProblemView, list_problems
from duijie.graph.errors import InvalidInput, at
from duijie.graph.normalize import normalize_text
from duijie.graph.vocab import PROBLEM_NEED_TYPES

SORTS = ("urgency", "due", "-due", "opened_on", "-opened_on", "firm_name", "-firm_name",
         "title", "-title")
"""`urgency` is the ledger's own order: open before closed, most overdue first, then due."""
MAX_LIMIT = 200
LIST = at("where.problem_list")


@dataclass
class ProblemQuery:
    department: str | None = None
    state: str | None = None
    need_type: str | None = None
    firm_id: str | None = None
    region: str | None = None
    raised_in: str | None = None
    overdue: bool = False
    escalated: bool = False
    q: str | None = None  # words in the title, text, firm or department
    sort: str = "urgency"
    offset: int = 0
    limit: int = 50
    today: str | None = None

    def check(self) -> ProblemQuery:
        if self.sort not in SORTS:
            raise InvalidInput(key="lists.not_sort", params={"sorts": list(SORTS)},
                               value=self.sort, where=LIST.then("field.sort"))
        if self.need_type and self.need_type not in PROBLEM_NEED_TYPES:
            raise InvalidInput(key="ledger.not_problem_type", params={
                "types": list(PROBLEM_NEED_TYPES)}, value=self.need_type,
                where=LIST.then("field.need_type"))
        if not 0 <= self.offset <= 10**6 or not 1 <= self.limit <= MAX_LIMIT:
            raise InvalidInput(key="lists.offset_limit", params={"most": MAX_LIMIT},
                               value=(self.offset, self.limit), where=LIST)
        return self


@dataclass
class ProblemPage(Result):
    data: list[ProblemView]
    count: int
    offset: int
    limit: int
    today: str
    by_state: dict[str, int]
    overdue: int
    escalated: int
    departments: list[str] = field(default_factory=list)


def _matches(p: ProblemView, query: ProblemQuery, words: list[str]) -> bool:
    if query.need_type and p.need_type != query.need_type:
        return False
    if query.region and query.region not in (p.region or ""):
        return False
    if words:
        text = normalize_text(" ".join(x or "" for x in (
            p.title, p.text, p.firm_name, p.department, p.answer)))
        return all(w in text for w in words)
    return True


def problem_page(store, query: ProblemQuery | None = None, *,
                 viewer: Viewer = OPERATOR) -> ProblemPage:
    """One page of the ledger this viewer may see that passes the filters, and the count."""
    query = (query or ProblemQuery()).check()
    found = list_problems(store, department=query.department, state=query.state,
                          overdue=query.overdue, escalated=query.escalated,
                          firm_id=query.firm_id, raised_in=query.raised_in, today=query.today,
                          viewer=viewer)
    words = [w for w in map(normalize_text, (query.q or "").split()) if w]
    rows = [p for p in found.items if _matches(p, query, words)]
    if query.sort != "urgency":  # list_problems gives the urgency order already
        name = query.sort.lstrip("-")
        present = sorted((p for p in rows if getattr(p, name)),
                         key=lambda p: (getattr(p, name), p.id),
                         reverse=query.sort.startswith("-"))
        rows = present + [p for p in rows if not getattr(p, name)]
    by_state: dict[str, int] = {}
    for p in rows:
        by_state[p.state] = by_state.get(p.state, 0) + 1
    return ProblemPage(rows[query.offset:query.offset + query.limit], len(rows), query.offset,
                       query.limit, found.today, by_state,
                       sum(1 for p in rows if p.overdue_days > 0 and p.state != "closed"),
                       sum(1 for p in rows if p.escalated and p.state != "closed"),
                       found.departments)
