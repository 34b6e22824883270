"""The CLI's error line in the language it speaks (Chinese by default, as its output).

The use cases raise errors in English with the offending value and where it came from
(`graph.errors`); the web pages word them through their message catalogs, and the CLI
through the tables here: the message and each part of `where` matched whole against a
pattern and put into Chinese. A line is translated only when every part of it is (the
message, each part of `where`, each listed problem); otherwise it is printed as raised,
in English, so no line mixes the two languages. ``DUIJIE_LANG=en`` keeps English.
An import's problems carry message keys and are worded from `graph/import_words.toml`
instead, and a mistyped command or option from the name and close names it carries.

>>> from duijie.graph.errors import InvalidInput, NotFound
>>> error_line(NotFound("is not an official", value="off:x", where="official"))
'错误：联系干部：“off:x” 不是联系干部'
>>> error_line(InvalidInput("王 has capacity 0: an official on duty keeps contact with at "
...            "least one firm; give 1 or more", where="official 王, capacity"))
'错误：联系干部 王，可联系企业数：王 的可联系企业数为 0：在岗干部至少联系 1 家企业，请设为 1 或更多'
>>> error_line(NotFound("is not an official", value="off:x", where="official"), "en")
"error: official: 'off:x' is not an official"
>>> error_line(InvalidInput("something new", where="official"))  # not in the tables: as raised
'error: official: something new'
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

import click

from duijie.api.cli.commands import UnknownCommand
from duijie.graph.errors import DuijieError
from duijie.graph.import_words import ImportFileError, ImportRefused, line

LANG_ENV = "DUIJIE_LANG"

_TYPES = "可选 problem（问题）、policy（政策）、financing（融资）、talent（人才）"
_KINDS = {"event": "活动", "meeting": "会谈", "official": "联系干部",
          "event or meeting": "活动或会谈"}

MESSAGES: Sequence[tuple[str, str]] = (
    # the ledger (api.services.problems, matcher.problems)
    (r"is a technology need, not a problem: the ledger holds needs of type .+",
     "是技术需求，不是问题：问题台账只收问题、政策、融资、人才类需求"),
    (r"only the office changes the ledger", "只有办公室可以修改问题台账"),
    (r"only the office records problems in the ledger", "只有办公室可以在问题台账中登记问题"),
    (r"is not a need you can open", "不是您可以打开的需求"),
    (r"is not a firm you can open", "不是您可以打开的企业"),
    (r"is not an enterprise you can open", "不是您可以打开的企业"),
    (r"is not an enterprise", "不是企业"),
    (r"is not an official in this graph", "不是本图中的联系干部"),
    (r"is not an official", "不是联系干部"),
    (r"is not a day: write it as YYYY-MM-DD", "不是日期：请写成 YYYY-MM-DD"),
    (r"is not a date \(YYYY-MM-DD\)", "不是日期：请写成 YYYY-MM-DD"),
    (r"is not a day on the calendar \(.*\)", "不是日历上有的日期"),
    (r"is not a problem type \(problem, policy, financing, talent, technology or \*\)",
     "不是问题类型：" + _TYPES + "、technology（技术）或 *（任意）"),
    (r"is not a problem type \(.*\)", "不是问题类型：" + _TYPES),
    (r"is not a stored (?P<kind>event or meeting|official)", "不是已登记的{kind}"),
    (r"is a meeting of another firm, not of (?P<firm>.+)", "是别家企业的会谈，不是 {firm} 的"),
    (r"is before the problem was opened \((?P<day>[-\d]+)\)", "早于问题立案日期（{day}）"),
    (r"has no firm to raise a problem for", "没有可登记问题的企业"),
    (r"is not a problem in the ledger", "不是问题台账中的问题"),
    (r"is not a problem", "不是问题"),
    (r"says nothing to change: give --department, --person, --due or --escalate-to",
     "没有要修改的内容：请给出 --department、--person、--due 或 --escalate-to"),
    (r"was closed on (?P<day>[-\d]+): a closed problem is not reassigned",
     "已于 {day} 销号：已销号的问题不再交办"),
    (r"a step needs a text: what was done", "办理步骤需要写明做了什么"),
    (r"is not a ledger state \(.*\)",
     "不是台账状态：可选 unassigned（待分办）、assigned（已交办）、in_progress（办理中）、"
     "answered（已答复）、closed（已销号）"),
    (r"is not a sort order \(.*\)", "不是排序方式"),
    (r"the problem was closed on (?P<day>[-\d]+): a closed problem takes no more steps",
     "问题已于 {day} 销号：已销号的问题不再记录办理步骤"),
    (r"was already closed on (?P<day>[-\d]+)", "已于 {day} 销号"),
    (r"closing needs a recorded answer: give the answer the firm received \(--answer\)",
     "销号须有办理答复：请用 --answer 写明企业收到的答复"),
    (r"closing needs the day the firm saw the answer \(--seen YYYY-MM-DD\): a problem is "
     r"closed only with the firm's knowledge",
     "销号须写明企业知晓答复的日期（--seen YYYY-MM-DD）：问题只有在企业知晓后才能销号"),
    (r"is before the firm saw the answer \((?P<day>[-\d]+)\)", "早于企业知晓答复的日期（{day}）"),
    # the routing table (api.services.routing, matcher.problems, duijie problem routing)
    (r"is not valid TOML \(.*\)", "不是有效的 TOML 文件"),
    (r"unknown setting\(s\)", "是未知的设置项"),
    (r"unknown field\(s\)", "是未知的字段"),
    (r"must be a table(?: of need_type, region, department, due_days)?",
     "须是一张规则表（need_type、region、department、due_days）"),
    (r"a rule needs a department", "每条规则都要有责任单位"),
    (r"is not a known department \(known: (?P<known>.*)\): add it to the departments first",
     "不是已知的责任单位（已知：{known}）：请先把它加入责任单位列表"),
    (r"is not a known department: choose one of the routing table's departments or add it "
     r"there first", "不是已知的责任单位：请从分办规则的责任单位中选择，或先在那里添加"),
    (r"repeats rule (?P<rule>\d+) \((?P<type>[^@]+) @ (?P<region>.+)\): one rule per problem "
     r"type and region",
     "与第 {rule} 条规则重复（{type} @ {region}）：每种问题类型和地区只能有一条规则"),
    (r"has no rules: every problem would be left unassigned; keep at least one \(a "
     r"catch-all: type \* in region \*\)",
     "没有规则：所有问题都将无人分办；请至少保留一条（兜底规则：类型 * 地区 *）"),
    (r"is not a whole number of days", "不是整天数"),
    (r"must be a whole number of days from (?P<least>\d+) to 3650",
     "须是 {least} 到 3650 之间的整天数"),
    (r"must be a whole number of days >= (?P<least>\d+)", "须是不小于 {least} 的整天数"),
    (r"is longer than (?P<n>\d+) characters", "超过 {n} 个字符"),
    (r"only an organiser without a region scope changes the routing table",
     "只有不限地区的组织者可以修改分办规则"),
    # officials and contact duty (api.services.contacts, matcher.contact_duty)
    (r"must be a whole number of firms", "须是整数家企业"),
    (r"(?P<name>.+) has capacity 0: an official on duty keeps contact with at least one "
     r"firm; give 1 or more",
     "{name} 的可联系企业数为 0：在岗干部至少联系 1 家企业，请设为 1 或更多"),
    (r"says nothing to change: give a department, capacity, fields, regions or title",
     "没有要修改的内容：请给出处室、可联系企业数、领域、地区或职务"),
    (r"are not enterprises in this graph", "不是本图中的企业"),
    (r"there are no firms to assign", "没有可分配的企业"),
    (r"cannot assign firms", "无法分配企业"),
    (r"official (?P<id>\S+) listed twice", "联系干部 {id} 重复列出"),
    (r"official (?P<name>.+) \((?P<id>[^()]+)\) has capacity (?P<n>-?\d+): give them at least "
     r"1 firm, or leave them out",
     "联系干部 {name}（{id}）的可联系企业数为 {n}：请设为至少 1 家，或暂不参与分配"),
    (r"official (?P<name>.+) \((?P<id>[^()]+)\) has no capacity \(0, stored before capacities "
     r"were required\) and was left out: give them one with official edit --capacity",
     "联系干部 {name}（{id}）尚未设定可联系企业数（旧数据为 0），未参与分配：请用 official edit "
     "--capacity 设定"),
    (r"(?P<name>.+) has no capacity yet \(0, stored before capacities were required\): give one "
     r"\(1 or more\) in this edit",
     "{name} 尚未设定可联系企业数（旧数据为 0）：请在这次修改中一并设定（1 或更多）"),
    (r"(?P<name>.+) has no capacity yet \(0, stored before capacities were required\): give one "
     r"\(1 or more\) with official edit before recording contacts",
     "{name} 尚未设定可联系企业数（旧数据为 0）：请先用 official edit 设定（1 或更多），"
     "再记录联系"),
    (r"there are no officials: add officials with a department and capacity",
     "尚无联系干部：请先添加联系干部（处室和可联系企业数）"),
    (r"officials can take (?P<total>\d+) firms in all, fewer than the (?P<firms>\d+) firms: "
     r"raise capacities or add officials",
     "联系干部共可联系 {total} 家企业，少于 {firms} 家企业：请提高可联系企业数或增加干部"),
    (r"a firm is listed twice", "有企业重复列出"),
    (r"a firm is kept with two officials", "有企业同时保留给两位联系干部"),
    (r"kept pairs name firms or officials not in this plan",
     "保留的配对中有不在本次分配中的企业或干部"),
    # firms and programmes (api.services.firms, matcher.programme_push)
    (r"is not a programme", "不是政策项目"),
    (r"is not a status \(.*\)",
     "不是申报状态：可选 applied（已申报）、holds（已获认定）、none（清除）"),
    (r"only the office records a firm's applications", "只有办公室可以登记企业的申报情况"),
    (r"has no eligibility rules \(rules or required flags; its regions, industries and area "
     r"only say where it applies\): a push would reach every firm there; add its conditions "
     r"first",
     "申报条件未录入，请以当年申报通知为准（条件或所需资质；地区和行业只说明适用范围）："
     "推送会发给那里的每家企业；请先补充申报条件"),
    # maps and challenge lists (api.services.innovation_map, regions, challenges)
    (r"the innovation map is for organisers", "创新地图仅供组织者使用"),
    (r"give an industry or a region \(or both\)",
     "请给出行业或地区（或两者）：--industry 或 --region"),
    (r"must be between (?P<a>[\d.]+) and (?P<b>[\d.]+)", "须在 {a} 到 {b} 之间"),
    (r"has no firms in the graph in that region", "在该地区没有企业"),
    (r"has no firms in the graph", "在图中没有企业"),
    (r"has no firms in your region scope", "在您负责的地区内没有企业"),
    (r"challenge lists are for organisers", "需求榜单仅供组织者使用"),
    (r"only an organiser without a region scope may edit themes",
     "只有不限地区的组织者可以编辑主题"),
    (r"give one --rev per theme, in the same order", "每个主题给一个 --rev，顺序相同"),
    (r"has changed since it was listed \(another edit, or new needs regrouped it\); list the "
     r"challenges again", "在列出后已有变化（他人编辑或新需求重新聚类）：请重新列出需求榜单"),
    (r"must be 1-300 characters", "须为 1–300 个字符"),
    (r"name two or more different themes to merge", "请给出两个或更多不同的主题来合并"),
    (r"are not needs of this theme", "不是该主题的需求"),
    (r"name some but not all of the theme's needs", "请给出该主题的部分需求（不能是全部）"),
    (r"have no words to group by", "没有可用于聚类的词"),
    # imports (graph.headers; a file's own problems are worded by graph.import_words)
    (r"is not a kind that can be imported \(known: (?P<known>.+)\)",
     "不是可导入的类型（可选：{known}）"),
    (r"is missing its KIND: say what the file holds, duijie import KIND FILE \(.*\)",
     "没有写明类型：请写明文件里是什么，duijie import KIND FILE（enterprise、need、institute、"
     "expert、programme、event、topic、industry、region、edges；duijie export 导出的文件为 "
     "graph）"),
    (r"--sheet applies to XLSX workbooks(?: only|, not to a JSONL graph)",
     "--sheet 只适用于 XLSX 工作簿"),
    # a write from a stale read (graph.errors.StaleRevision)
    (r"was changed by someone else since it was read \(revision (?P<a>\d+), now (?P<b>\d+)\): "
     r"reload and try again",
     "读取后已被他人修改（读取时第 {a} 版，现为第 {b} 版）：请重新读取后再试"),
    (r"was created by someone else meanwhile \(it must not exist yet; now revision (?P<b>\d+)\)"
     r": reload and try again", "已被他人同时创建（现为第 {b} 版）：请重新读取后再试"),
    (r"was deleted by someone else since it was read \(revision (?P<a>\d+)\): reload and try "
     r"again", "读取后已被他人删除（读取时第 {a} 版）：请重新读取后再试"),
)

WHERE: Sequence[tuple[str, str]] = (
    (r"(?P<kind>region|industry) \(close: (?P<close>.+)\)", "{kind}（相近：{close}）"),
    (r"problem (?P<action>add|assign|step|close|raise)", "问题（{action}）"),
    (r"problem list", "问题台账"),
    (r"problem (?P<id>\S+)", "问题 {id}"),
    (r"problem", "问题"),
    (r"official (?P<name>.+)", "联系干部 {name}"),
    (r"programme status", "申报情况"),
    (r"programme (?P<id>\S+)", "政策项目 {id}"),
    (r"contact plan", "联系分配"),
    (r"contact duty", "联系服务"),
    (r"routing table", "分办规则"),
    (r"rule (?P<n>\d+)", "第 {n} 条规则"),
    (r"row (?P<n>\d+)", "第 {n} 行"),
    (r"field (?P<name>.+)", "字段 {name}"),
    (r"[^\s,]+\.toml", "{0}"),
)
WHERE_WORDS = {
    "official": "联系干部", "firm": "企业", "firm_id": "企业", "firms": "企业", "need": "需求",
    "needs": "需求", "capacity": "可联系企业数", "department": "责任单位",
    "departments": "责任单位列表", "person": "责任人", "due": "办结期限", "on": "日期",
    "seen": "企业知晓日期", "closed": "销号日期", "opened_on": "立案日期",
    "step date": "步骤日期", "need_type": "问题类型", "due_days": "办理时限",
    "raised_in": "提出场合", "raised_by": "提出人", "state": "状态", "sort": "排序",
    "today": "--today", "status": "状态", "programme": "政策项目", "region": "地区",
    "industry": "行业", "map": "创新地图", "strong": "--strong", "per_need": "--per-need",
    "suppliers": "--suppliers", "theme": "主题", "themes": "主题", "rev": "--rev",
    "name": "名称", "challenges": "需求榜单", "contact": "联系记录",
    "escalate_after_days": "升级天数", "KIND": "类型", "--sheet": "--sheet",
    "default_due_days": "默认办理时限",
}
ACTION_WORDS = {"add": "登记", "assign": "交办", "step": "办理步骤", "close": "销号",
                "raise": "登记"}
KIND_WORDS = {"region": "地区", "industry": "行业"}


USAGE: Sequence[tuple[str, str]] = (  # click's own refusals (its words, click 8)
    (r"Option '(?P<o>[^']+)' requires an argument\.", "选项 {o} 需要一个值"),
    (r"Missing argument '(?P<a>[^']+)'\.", "缺少参数 {a}"),
    (r"Missing option '(?P<o>[^']+)'\.", "缺少选项 {o}"),
    (r"Got unexpected extra arguments? \((?P<a>.+)\)", "多余的参数：{a}"),
    (r"Invalid value for '(?P<o>[^']+)': (?P<v>.+) is not one of (?P<c>.+)\.",
     "{o} 的值 {v} 无效，可选：{c}"),
    (r"Invalid value for '(?P<o>[^']+)': (?P<v>.+) is not in the range (?P<r>.+)\.",
     "{o} 的值 {v} 超出范围 {r}"),
    (r"Invalid value for '(?P<o>[^']+)': (?P<v>.+) is not a valid (?:integer|float)(?: range)?\.",
     "{o} 的值 {v} 不是数字"),
    (r"Invalid value for '(?P<o>[^']+)': (?P<v>.+) is not a valid date\.?",
     "{o} 的值 {v} 不是日期"),
    (r"Invalid value for '(?P<o>[^']+)': (?:File|Path) (?P<v>.+) does not exist\.",
     "{o}：文件 {v} 不存在"),
)


def usage_line(error: click.ClickException, lang: str | None = None) -> str | None:
    """Click's refusal of a command line (a missing argument, a value out of range) in
    Chinese with the command's usage, or None to let click show its own (English; or
    in English mode).

    >>> usage_line(click.UsageError("Missing argument 'FIRM_ID'."))
    '错误：缺少参数 FIRM_ID'
    """
    if (lang or os.environ.get(LANG_ENV, "zh")) == "en":
        return None
    words = _unknown_name(error) or _translated(error.format_message(), USAGE)
    if words is None:
        return None
    context = getattr(error, "ctx", None)
    if context is None:
        return f"错误：{words}"
    return (f"用法：{context.get_usage().removeprefix('Usage: ')}\n"
            f"（{context.command_path} --help 列出全部选项）\n错误：{words}")


def _unknown_name(error: click.ClickException) -> str | None:
    """A mistyped command or option, from what the error carries (its name and the
    close ones), never from its English words.

    >>> _unknown_name(click.NoSuchOption("--stat", possibilities=["--state", "--today"]))
    '没有选项 --stat，您是不是要用 --state 或 --today？'
    """
    if isinstance(error, UnknownCommand):
        said, name, close = "没有命令", error.name, error.possibilities
    elif isinstance(error, click.NoSuchOption):
        said, name, close = "没有选项", error.option_name, sorted(error.possibilities or [])
    else:
        return None
    return f"{said} {name}" + (f"，您是不是要用 {' 或 '.join(close)}？" if close else "")


def _fill(template: str, match: re.Match[str]) -> str:
    values = {k: v for k, v in match.groupdict().items()}
    if "kind" in values and values["kind"] in _KINDS:
        values["kind"] = _KINDS[values["kind"]]
    if "kind" in values and values["kind"] in KIND_WORDS:
        values["kind"] = KIND_WORDS[values["kind"]]
    if "action" in values:
        values["action"] = ACTION_WORDS[values["action"]]
    if "close" in values:
        values["close"] = values["close"].replace(", ", "、")
    return template.format(match.group(0), **values)


def _translated(text: str, table: Sequence[tuple[str, str]]) -> str | None:
    for pattern, template in table:
        match = re.fullmatch(pattern, text, flags=re.DOTALL)
        if match:
            return _fill(template, match)
    return None


def _parts(where: str) -> list[str]:
    """`where` split at commas outside parentheses ("region (close: a, b), field x")."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(where):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(where[start:i].strip())
            start = i + 1
    parts.append(where[start:].strip())
    return [p for p in parts if p]


def _where_zh(where: str) -> str | None:
    out = []
    for part in _parts(where):
        word = WHERE_WORDS.get(part) or _translated(part, WHERE)
        if word is None:
            return None
        out.append(word)
    return "，".join(out)


def _value_zh(value: Any) -> str:
    if isinstance(value, list | tuple | set):
        return "、".join(_value_zh(v) for v in value)
    return f"“{value}”" if isinstance(value, str) else str(value)


def chinese(error: DuijieError) -> str | None:
    """The error as one Chinese line (and its problems below), or None when some part of
    it is not in the tables.

    >>> from duijie.graph.errors import NotFound
    >>> chinese(NotFound("has no firms in the graph", value="拉萨",
    ...                  where="region (close: 丽水, 嘉兴)"))
    '地区（相近：丽水、嘉兴）：“拉萨” 在图中没有企业'
    """
    message = _translated(error.message, MESSAGES)
    where = _where_zh(error.where) if error.where else ""
    problems = [_translated(p, MESSAGES) for p in error.problems]
    if message is None or where is None or None in problems:
        return None
    text = message if error.value is None else f"{_value_zh(error.value)} {message}"
    if where:
        text = f"{where}：{text}"
    if problems:
        text += "\n  " + "\n  ".join(problems[:20])  # type: ignore[arg-type]
        if len(problems) > 20:
            text += f"\n  … 另有 {len(problems) - 20} 项"
    return text


def error_line(error: DuijieError, lang: str | None = None) -> str:
    """What the CLI prints for `error`: Chinese unless `lang` (default ``$DUIJIE_LANG``)
    is ``en`` or the error is not in the tables."""
    lang = lang or os.environ.get(LANG_ENV, "zh")
    if isinstance(error, ImportRefused):  # its problems carry keys: worded in `lang`
        lines = error.lines("en" if lang == "en" else "zh")  # every one, as the CLI lists
        return ("error: " if lang == "en" else "错误：") + "\n  ".join(lines)
    if isinstance(error, ImportFileError):
        return ("error: " if lang == "en" else "错误：") + line(error.issue, lang)
    if lang != "en":
        text = chinese(error)
        if text is not None:
            return f"错误：{text}"
    return f"error: {error}"
