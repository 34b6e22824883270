# ruff: noqa: E501 - data tables: long Chinese lines read better whole
"""The Zhejiang report's problems as ledger entries (问题台账), with what the report says.

The technology innovation division (技术创新处（人工智能处）) wrote the report and
handled these problems ("帮助地方和企业解决问题和困难29件"), so it is the responsible
unit; the answer is the need's `resolution` (the table's 解决措施). Dates are given
only where the report gives them (a visit's day, a dated step); none is invented, so
an entry without dates is never counted overdue. No entry is closed (销号): the
report does not say when each firm saw its answer.
"""

from __future__ import annotations

from typing import Any

from duijie.seed_data.build.common import Q

DIVISION = "浙江省经济和信息化厅技术创新处（人工智能处）"
_HANDLED = [Q(0, "技术创新处（人工智能处）"), Q(0, "帮助地方和企业解决问题和困难29件")]
_TONGXIANG = {"opened_on": "2019-05-17", "raised_in": "evt:tongxiang-haiyan-visit-2019-05-17"}

# need slug: (ledger record, quotes for it)
SEED_LEDGER: dict[str, tuple[dict[str, Any], list]] = {
    "deqing-connected-vehicle-pilot-zone": ({}, []),
    "wenzhou-im-summit-support": ({}, []),
    "hikvision-ai-conference-support": ({}, []),
    "yatai-new-product-appraisal": ({}, []),
    "jiaxipera-tech-centre-statistics": ({}, []),
    "huadong-tech-centre-application": ({}, []),
    "wolong-motor-innovation-centre": ({}, []),
    "hengfeng-champion-tech-centre": (_TONGXIANG, [Q(0, "5月17日，我处赴桐乡和海盐两地开展“三服务”活动")]),
    "haili-champion-tech-centre": (_TONGXIANG, [Q(0, "5月17日，我处赴桐乡和海盐两地开展“三服务”活动")]),
    "jushi-smart-manufacturing-acceptance": (_TONGXIANG, [Q(0, "5月17日，我处赴桐乡和海盐两地开展“三服务”活动")]),
    "ailaiyi-digital-project-policy": ({}, []),
    "changchuan-innovation-centre": (
        {"steps": [{"on": "2019-04-10", "text": "会同软集处赴企业帮助指导，提出先组建联盟后成立公司的创建方案。"}]},
        [Q(0, "我处会同软集处于4月10日赴企业进行帮助指导")]),
    "netease-yanxuan-brand-recognition": (
        {"steps": [{"on": "2019-04-01", "text": "到网易严选进一步了解企业诉求，探讨支持方案。"}]},
        [Q(0, "4月1日，我处到网易严选进一步了解企业诉求，探讨支持方案")]),
    "jinguo-boiler-technology-promotion": ({}, []),
}


def apply_ledger(nodes: list[dict[str, Any]]) -> None:
    """Give the report's problems their department and ledger record, in place."""
    by_id = {n["id"]: n for n in nodes}
    for slug, (ledger, quotes) in SEED_LEDGER.items():
        need = by_id[f"need:{slug}"]
        need["props"]["department"] = DIVISION
        need["props"]["ledger"] = dict(ledger)
        need["provenance"] += [q for q in [*_HANDLED, *quotes] if q not in need["provenance"]]
