"""The analyst's report as HTML: the web page's body and the file `duijie report --out`
writes share one template (`_analysis_report.html`) and one set of words
(`messages/analysis.toml`); the file is standalone (styles and SVG figures inline, no
links out), so it can be mailed or archived."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from duijie.api.services.report_figures import report_figures
from duijie.api.web.i18n import moment, pick_language, translate

HERE = Path(__file__).parent


@cache
def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"),
                      autoescape=select_autoescape(["html"]))
    env.filters["moment"] = moment  # the pages' filters the shared template uses
    return env


def translator(lang: str):
    """`t(key, **values)` in `lang`."""
    return lambda key, **values: translate(key, lang, **values)


def report_file_html(report: dict[str, Any], lang: str = "zh", *, simulation: bool = True
                     ) -> str:
    """The whole report as one standalone HTML document in `lang`."""
    lang = pick_language(lang)
    t = translator(lang)
    styles = "\n".join((HERE / "static" / name).read_text("utf-8")
                       for name in ("duijie.css", "ops.css", "analysis.css"))
    return _environment().get_template("analysis_report_file.html").render(
        report=report, figures=report_figures(report, t, simulation=simulation), t=t,
        lang=lang, styles=styles, links=False)
