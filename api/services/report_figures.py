"""The report's plots as SVG text (matplotlib, Agg backend, no GUI).

`report_figures(report, t)` draws, from an `AnalysisReport.to_dict()`, the funnel, the
sign rate with its interval, the rank of signed partners, the pre-event score of signed
against unsigned pairs, the scorer comparison, the follow-ups overdue, and the learning
curve of the simulator (what to expect before a learned ranking helps). `t(key,
**values)` gives every word (the page's or the file's language). Each figure whose data
is invented says so in its caption; the simulator's always does. A figure with nothing to
show is left out, and the page says why.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable
from functools import cache
from typing import Any

import matplotlib
import numpy as np

matplotlib.use("Agg")
from matplotlib import font_manager, ticker
from matplotlib.figure import Figure

logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
WANTED_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
                "Microsoft YaHei", "PingFang SC")
"""CJK fonts for measuring the labels (the SVG keeps text as text, drawn by the reader's
browser); those installed are used, DejaVu Sans after them."""
_INSTALLED = {f.name for f in font_manager.fontManager.ttflist}
matplotlib.rcParams.update({
    "svg.fonttype": "none",  # text stays text: the browser draws it with its CJK fonts
    "font.family": [f for f in WANTED_FONTS if f in _INSTALLED] + ["DejaVu Sans"],
    "font.size": 9, "axes.spines.top": False, "axes.spines.right": False,
    "svg.hashsalt": "duijie",  # the same report gives the same file
})
SCATTER_MAX = 400
"""Above this many pairs on a side the score figure draws box plots instead of dots."""
BLUE, GREEN, GREY, ORANGE = "#1f5f99", "#2e7d4f", "#9aa5b1", "#c2571a"
Translate = Callable[..., str]


def _svg(fig: Figure) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", buffer.getvalue(), flags=re.S)
    return re.sub(r"^<\?xml[^>]*>\s*(<!DOCTYPE[^>]*>\s*)?", "", text)


def _figure(width: float = 5.6, height: float = 2.8) -> tuple[Figure, Any]:
    fig = Figure(figsize=(width, height))
    return fig, fig.add_subplot()


def _caption(ax: Any, t: Translate, data: str) -> None:
    if data in ("illustrative", "mixed"):
        ax.text(1.0, 1.02, t(f"analysis_data_{data}"), transform=ax.transAxes, ha="right",
                va="bottom", fontsize=8, color=ORANGE)


def funnel_figure(report: dict[str, Any], t: Translate) -> str:
    steps = report["funnel"]
    fig, ax = _figure()
    labels = [t(f"analysis_stage_{s['stage']}") for s in steps]
    counts = [s["count"] for s in steps]
    ax.barh(labels[::-1], counts[::-1], color=BLUE)
    for y, s in enumerate(steps[::-1]):
        rate = s["of_previous"]
        text = str(s["count"]) + (f"  ({rate['value']:.0%})" if rate else "")
        ax.text(s["count"], y, " " + text, va="center")
    ax.set_xlabel(t("analysis_axis_pairs"))
    ax.set_xlim(0, max([*counts, 1]) * 1.3)
    _caption(ax, t, report["data"])
    return _svg(fig)


def sign_rate_figure(report: dict[str, Any], t: Translate) -> str | None:
    rate = report["firm_sign_rate"]
    if not rate:
        return None
    rows = [(t("analysis_all_firms"), rate)]
    rows += [(f["firm_name"] or f["firm"], f["sign_rate"]) for f in report["firms"][:12]
             if f["sign_rate"]]
    fig, ax = _figure(5.6, 0.9 + 0.28 * len(rows))
    for y, (_label, r) in enumerate(rows[::-1]):
        colour = BLUE if y == len(rows) - 1 else GREY
        ax.errorbar(r["value"], y, xerr=[[r["value"] - r["low"]], [r["high"] - r["value"]]],
                    fmt="o", color=colour, capsize=3)
    ax.set_yticks(range(len(rows)), [label for label, _ in rows[::-1]])
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(ticker.PercentFormatter(1.0))
    ax.set_xlabel(t("analysis_axis_sign_rate"))
    _caption(ax, t, report["data"])
    return _svg(fig)


def rank_figure(report: dict[str, Any], t: Translate) -> str | None:
    pairs = [p for p in report["partner_ranks"]["pairs"] if p["stage"] == "signed"]
    if not pairs:
        return None
    shown = report["partner_ranks"]["shown"]
    buckets = [str(i) for i in range(1, shown + 1)] + [f">{shown}", "—"]
    counts = dict.fromkeys(buckets, 0)
    for p in pairs:
        r = p["rank"]
        counts["—" if r is None else str(r) if r <= shown else f">{shown}"] += 1
    fig, ax = _figure()
    ax.bar(buckets, [counts[b] for b in buckets],
           color=[GREEN if b.isdigit() else GREY for b in buckets])
    ax.set_xlabel(t("analysis_axis_rank"))
    ax.set_ylabel(t("analysis_axis_signed_pairs"))
    ax.yaxis.get_major_locator().set_params(integer=True)
    _caption(ax, t, report["data"])
    return _svg(fig)


def score_figure(report: dict[str, Any], t: Translate) -> str | None:
    scores = report["score_by_outcome"]
    if not scores["signed"] and not scores["unsigned"]:
        return None
    fig, ax = _figure(5.6, 2.4)
    groups = ((scores["unsigned"], GREY), (scores["signed"], GREEN))
    if max(len(values) for values, _ in groups) > SCATTER_MAX:
        # thousands of dots draw a blot (and megabytes of SVG): a box (quartiles) with
        # whiskers (5th to 95th percentile) and the median show the same spread
        for y, (values, colour) in enumerate(groups):
            if values:
                p5, q1, median, q3, p95 = np.percentile(values, [5, 25, 50, 75, 95])
                ax.hlines(y, p5, p95, color=colour)
                ax.barh(y, q3 - q1, left=q1, height=0.5, color=colour, alpha=0.8)
                ax.plot([median] * 2, [y - 0.3, y + 0.3], color="black")
        groups = ()
    for y, (values, colour) in enumerate(groups):
        jitter = [y + ((i * 37) % 11 - 5) * 0.03 for i in range(len(values))]
        ax.scatter(values, jitter, color=colour, alpha=0.8, s=22)
        if values:
            ax.plot([sorted(values)[len(values) // 2]] * 2, [y - 0.3, y + 0.3], color="black")
    ax.set_yticks([0, 1], [t("analysis_unsigned"), t("analysis_signed")])
    ax.set_xlim(0, 1.02)
    ax.set_xlabel(t("analysis_axis_score"))
    _caption(ax, t, report["data"])
    return _svg(fig)


def comparison_figure(report: dict[str, Any], t: Translate) -> str | None:
    summary = report["partner_ranks"].get("summary") or {}
    rows = [(name, summary.get(name)) for name in ("hybrid", "text", "graph")]
    rows = [(n, s) for n, s in rows if s]
    if not rows:
        return None
    fig, ax = _figure(5.6, 2.2)
    for y, (name, s) in enumerate(rows[::-1]):
        m = s["mrr"]
        ax.barh(y, m["value"], color=BLUE if name == "hybrid" else GREY)
        ax.errorbar(m["value"], y, xerr=[[m["value"] - m["low"]], [m["high"] - m["value"]]],
                    fmt="none", color="black", capsize=3)
    ax.set_yticks(range(len(rows)), [t(f"analysis_scorer_{n}") for n, _ in rows[::-1]])
    ax.set_xlim(0, 1)
    ax.set_xlabel(t("analysis_axis_mrr"))
    _caption(ax, t, report["data"])
    return _svg(fig)


def coverage_figure(report: dict[str, Any], t: Translate) -> str | None:
    """The share of the catalogue that met a firm (Wilson interval) and the partners'
    topic diversity per firm (bootstrap interval), both on 0–1."""
    cover = report.get("coverage")
    if not cover:
        return None
    rows = [("analysis_axis_coverage", cover["catalogue_coverage"])]
    if cover.get("partner_diversity"):
        rows.append(("analysis_axis_diversity", cover["partner_diversity"]))
    fig, ax = _figure(5.6, 0.9 + 0.5 * len(rows))
    for y, (_, r) in enumerate(rows[::-1]):
        ax.barh(y, r["value"], color=GREEN)
        ax.errorbar(r["value"], y, xerr=[[r["value"] - r["low"]], [r["high"] - r["value"]]],
                    fmt="none", color="black", capsize=3)
    ax.set_yticks(range(len(rows)), [t(key) for key, _ in rows[::-1]])
    ax.set_xlim(0, 1)
    ax.set_xlabel(t("analysis_axis_share"))
    _caption(ax, t, report["data"])
    return _svg(fig)


def follow_up_figure(report: dict[str, Any], t: Translate) -> str | None:
    rows = report["follow_ups"][:10]
    if not rows:
        return None
    fig, ax = _figure(5.6, 0.8 + 0.3 * len(rows))
    labels = [f"{r['action']} · {r['owner']}" for r in rows]
    ax.barh(labels[::-1], [r["days_overdue"] for r in rows][::-1], color=ORANGE)
    ax.set_xlabel(t("analysis_axis_days_overdue"))
    # A follow-up of an invented meeting is invented too (the seed's name real offices
    # as owners): the figure says so, as every other one does.
    invented = {bool(r.get("illustrative")) for r in rows}
    _caption(ax, t, "mixed" if len(invented) > 1 else
             "illustrative" if True in invented else "recorded")
    return _svg(fig)


def reliability_figure(curve: list[dict[str, Any]], t: Translate, data: str) -> str:
    fig, ax = _figure(3.6, 3.2)
    ax.plot([0, 1], [0, 1], color=GREY, linestyle="--", label=t("analysis_perfect"))
    ax.plot([b["predicted"] for b in curve], [b["observed"] for b in curve], "o-", color=BLUE,
            label=t("analysis_model"))
    ax.set_xlabel(t("analysis_axis_predicted"))
    ax.set_ylabel(t("analysis_axis_observed"))
    ax.legend(frameon=False)
    _caption(ax, t, data)
    return _svg(fig)


@cache
def simulated_curve(events: int = 160, seed: int = 0) -> dict[str, Any]:
    """The simulator's learning curve (cached: the same for every report)."""
    from duijie.evaluation.simulate import learning_curve, simulate

    sim = simulate(events=events, meetings_per_firm=5, seed=seed)
    return learning_curve(sim, sizes=(50, 100, 200, 400, 800, 1600, 3200))


def learning_figure(curve: dict[str, Any], t: Translate) -> str:
    fig = Figure(figsize=(7.2, 2.8))
    auc, error = fig.subplots(1, 2)
    xs = [row["outcomes"] for row in curve["curve"]]
    for name, marker, colour in (("logistic", "o-", BLUE), ("boosting", "s-", GREEN)):
        label = t(f"analysis_model_{name}")
        auc.plot(xs, [row[name]["auc"] for row in curve["curve"]], marker, color=colour,
                 label=label)
        error.plot(xs, [row[name]["mean_abs_error"] for row in curve["curve"]], marker,
                   color=colour, label=label)
    auc.axhline(curve["truth"]["auc"], color=GREY, linestyle="--", label=t("analysis_truth"))
    error.axhline(0, color=GREY, linestyle="--")
    auc.set_ylabel("AUC")
    error.set_ylabel(t("analysis_axis_distance"))
    for ax in (auc, error):
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(ticker.ScalarFormatter())
        ax.set_xlabel(t("analysis_axis_outcomes"))
    auc.legend(frameon=False, loc="lower right")
    _caption(error, t, "illustrative")
    fig.tight_layout()
    return _svg(fig)


def report_figures(report: dict[str, Any], t: Translate, *, simulation: bool = True
                   ) -> dict[str, str]:
    """Every figure of the report that has something to show, by name."""
    drawn = {"funnel": funnel_figure(report, t), "sign_rate": sign_rate_figure(report, t),
             "rank": rank_figure(report, t), "score": score_figure(report, t),
             "comparison": comparison_figure(report, t),
             "coverage": coverage_figure(report, t),
             "follow_ups": follow_up_figure(report, t)}
    learning = report["learning"]
    if learning.get("reliability"):
        drawn["reliability"] = reliability_figure(learning["reliability"], t, learning["data"])
    if simulation:
        drawn["learning_curve"] = learning_figure(simulated_curve(), t)
    return {name: svg for name, svg in drawn.items() if svg}
