"""Draw the README's report figures again: docs/analysis/*.svg.

Two reports: the seed's Xi'an trip (`duijie report evt:xian-docking-2019-05`: invented
pairs) and every event of a simulated office (40 weekly events of invented outcomes,
written through the outcome path) after a learning run, so its reliability curve, the
learned ranking beside the hybrid one, coverage and diversity have something to show.
Every figure says its data are invented. Run from the repository root:

    .venv/bin/python scripts/analysis_plots.py [--out docs/analysis]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path


def main() -> None:
    from duijie.api.services.learning_runs import learn_ranking
    from duijie.api.services.report import all_events_report, event_report
    from duijie.api.services.report_figures import report_figures
    from duijie.api.services.seeding import XIAN_EVENT, load_seed
    from duijie.api.services.simulated_outcomes import write_simulated_outcomes
    from duijie.api.web.report_html import translator
    from duijie.graph import open_store

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/analysis"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    t = translator("zh")
    with tempfile.TemporaryDirectory() as folder:
        seed = open_store(str(Path(folder) / "seed.db"))
        load_seed(seed)
        xian = event_report(seed, XIAN_EVENT, today="2019-12-31").to_dict()
        for name, svg in report_figures(xian, t).items():
            (args.out / f"xian-{name}.svg").write_text(svg, encoding="utf-8")
        seed.close()
        sim = open_store(str(Path(folder) / "sim.db"))
        # Outcomes recorded (not flagged invented) so a learning run counts them; the
        # figures still say the data are invented (``generated`` provenance).
        write_simulated_outcomes(sim, events=40, firms_per_event=10, meetings_per_firm=3,
                                 seed=7, illustrative=False)
        run = learn_ranking(sim)
        print(f"learned: {run.note['key']} from {run.outcomes} outcomes")
        everything = all_events_report(sim, today="2022-12-31").to_dict()
        # The simulator's outcomes are stored as recorded so that learning counts them;
        # they are invented, and every figure drawn from them says so.
        everything["data"] = everything["learning"]["data"] = "illustrative"
        wanted = ("reliability", "coverage", "comparison", "rank", "funnel", "score")
        for name, svg in report_figures(everything, t, simulation=False).items():
            if name in wanted:
                (args.out / f"simulated-{name}.svg").write_text(svg, encoding="utf-8")
        sim.close()
    print(f"→ {args.out}")


if __name__ == "__main__":
    main()
