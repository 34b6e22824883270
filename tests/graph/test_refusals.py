"""Duijie's refusals are worded from one catalog (`graph/refusals.toml`) in both languages:
every key has both wordings, every key the code names is there, no key lies unused, and
every call gives exactly the values its wording needs.

The code is read with `ast` (nothing is run): a key is a string given to `Said(…)`,
`at(…)`, `.then(…)` or as `key=` of an error; its values are the call's keywords (or
the `params={…}` dict)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from duijie.graph.errors import InvalidInput, Refusal, at
from duijie.graph.refusals import SURFACES, Said, catalog, needed, placeholders, word

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("api", "graph", "matcher", "evaluation", "seed_data")
KEY_CALLS = {"Said", "at", "place", "then"}  # their first argument is a key (`place`: `at`)
ERRORS = {"DuijieError", "InvalidInput", "NotFound", "Conflict", "Forbidden",
          "Unauthorized", "BackendUnavailable", "NotFitted"}


def _sources() -> list[Path]:
    return [p for package in PACKAGES for p in (ROOT / package).rglob("*.py")]


def _name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _strings(node: ast.AST | None) -> list[str]:
    """The keys an expression may be: a string, or either branch of `a if c else b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    return []


def keyed_calls() -> list[tuple[str, int, str, set[str] | None]]:
    """(file, line, key, the values given or None when not literal) of each keyed call."""
    found = []
    for path in _sources():
        tree = ast.parse(path.read_text("utf-8"), str(path))
        where = str(path.relative_to(ROOT))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node)
            if name in KEY_CALLS and node.args:
                literal = all(k.arg is not None for k in node.keywords)
                given = {k.arg for k in node.keywords} if literal else None
                found += [(where, node.lineno, key, given) for key in _strings(node.args[0])]
            elif name in ERRORS:
                kw = {k.arg: k.value for k in node.keywords}
                params = kw.get("params")
                if params is None:
                    given: set[str] | None = set()
                elif isinstance(params, ast.Dict) and all(
                        isinstance(k, ast.Constant) for k in params.keys):
                    given = {k.value for k in params.keys}  # type: ignore[union-attr]
                else:
                    given = None
                found += [(where, node.lineno, key, given) for key in _strings(kw.get("key"))]
    return found


def every_string() -> set[str]:
    out = set()
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                out.add(node.value)
    return out


def _surface(key: str) -> bool:
    return key.split(".", 1)[0] in SURFACES


def test_both_languages_hold_the_same_keys_and_values() -> None:
    tables = catalog()
    plain = {lang: {k for k in table if not _surface(k)} for lang, table in tables.items()}
    assert plain["zh"] ^ plain["en"] == set()
    for key in plain["en"]:
        # Chinese may leave out a value said only in English (a parser's own reason)
        assert placeholders(tables["zh"][key]) <= needed(key), key
        assert tables["zh"][key].strip() and tables["en"][key].strip(), key


def test_a_command_line_wording_stands_for_a_plain_key_with_its_values() -> None:
    """`cli.ledger.no_answer` words `ledger.no_answer` for the command line (in either
    language or both), with no value the call does not give."""
    for lang, table in catalog().items():
        for key in (k for k in table if _surface(k)):
            plain = key.split(".", 1)[1]
            assert plain in table, (lang, key)
            assert placeholders(table[key]) <= needed(plain), (lang, key)


def test_every_key_the_code_names_is_worded_with_the_values_it_needs() -> None:
    calls = keyed_calls()
    assert len(calls) > 100  # the scan sees the code's refusals
    english = catalog()["en"]
    unknown = [(f, n, k) for f, n, k, _ in calls if k not in english]
    assert unknown == []
    misfilled = [(f, n, k, sorted(given), sorted(needed(k)))
                 for f, n, k, given in calls if given is not None and given != needed(k)]
    assert misfilled == []


def test_no_key_lies_unused() -> None:
    used = every_string()
    unused = [k for k in catalog()["en"] if k not in used and not _surface(k)
              and k not in ("list_separator", "more_problems")]  # graph.refusals' own
    assert unused == []


def test_the_checks_catch_a_wrong_key_and_a_missing_value(tmp_path: Path) -> None:
    """The scan flags what it should: a call naming a key the catalog lacks, and one
    giving other values than its wording needs."""
    source = ('InvalidInput(key="ledger.no_such_thing")\n'
              'InvalidInput(key="ledger.already_closed", params={"date": 1})\n')
    tree = ast.parse(source)
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    keys = [_strings(next(k.value for k in c.keywords if k.arg == "key")) for c in calls]
    assert keys == [["ledger.no_such_thing"], ["ledger.already_closed"]]
    assert "ledger.no_such_thing" not in catalog()["en"]
    assert {"date"} != needed("ledger.already_closed")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_wording_fills_in(lang: str) -> None:
    """Each wording takes its values (here placeholders' own names) without error."""
    for key in catalog()[lang]:
        plain = key.split(".", 1)[1] if _surface(key) else key
        text = word(plain, lang, key.split(".")[0] if _surface(key) else None,
                    **{name: f"<{name}>" for name in needed(plain)})
        assert "{" not in text, key


def test_a_refusal_reads_in_either_language_and_survives_a_page_address() -> None:
    err = InvalidInput(key="ledger.before_opened", params={"day": "2019-05-20"},
                       value="2019-05-01", where=at("where.problem_named", title="贷款难").then(
                           "field.step_date"))
    assert str(err) == ("problem 贷款难, step date: '2019-05-01' is before the problem was "
                        "opened (2019-05-20)")
    assert err.text("zh") == "问题“贷款难”，步骤日期：“2019-05-01” 早于问题立案日期（2019-05-20）"
    again = Refusal.from_data(err.to_data())
    assert again is not None and again.text("zh") == err.text("zh")
    assert again.text("en") == str(err)
    # an address someone altered: an unknown key, values that do not fit, another shape
    for bad in ({"said": {"key": "ledger.nope", "params": {}}},
                {"said": {"key": "ledger.before_opened", "params": {}}},
                {"said": {"key": "ledger.before_opened", "params": {"day": {"x": 1}}}},
                {"said": "ledger.no_answer"}, [], None):
        assert Refusal.from_data(bad) is None, bad


def test_an_unkeyed_error_is_not_worded_in_part() -> None:
    """A keyed message with an unkeyed (English) where is not half translated."""
    assert InvalidInput(key="ledger.no_answer", where="problem close").worded("zh") is None
    assert InvalidInput(key="ledger.no_answer", problems=["x"]).worded("zh") is None
    keyed = InvalidInput(key="contacts.cannot_assign", problems=[Said("contacts.firm_twice")])
    assert keyed.worded("zh") == "无法分配企业\n  有企业重复列出"
