"""The innovation-map page (`/map`): an interactive drawing (cytoscape, vendored) and the
tables of gaps, brokers and groups, in the reader's language; the same use case as
`/api/map`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from duijie.api.services import innovation_map
from duijie.api.web.deps import viewer_of
from duijie.api.web.pages import ILLUSTRATIVE_ZH, language, render, signed_in_page
from duijie.graph.accounts import Role
from duijie.graph.errors import NotFound
from duijie.graph.model import MAX_NAME
from duijie.graph.vocab import illustrative_mark

router = APIRouter(include_in_schema=False)


@router.get("/map")
def map_page(request: Request) -> Response:
    session = signed_in_page(request, Role.ORGANISER)
    if isinstance(session, Response):
        return session
    industry = (request.query_params.get("industry") or "").strip()[:MAX_NAME] or None
    region = (request.query_params.get("region") or "").strip()[:MAX_NAME] or None
    result, missing, labels, drawing = None, None, {}, None
    if industry or region:
        try:
            result = innovation_map.innovation_map(
                request.app.state.store, industry=industry, region=region,
                viewer=viewer_of(session)).to_dict()
        except NotFound as error:  # said as the CLI says it, with the close names
            missing = error
    if result:
        # names carry the use case's 示意 mark; `pages` gives it in the page's language
        lang = language(request)
        labels = {n["id"]: n["name"].replace(ILLUSTRATIVE_ZH, illustrative_mark(True, lang))
                  for n in result["nodes"]}
        for other in result["other_needs"]:  # listed apart, not drawn
            for key, name in ((other["id"], other["name"]),
                              (other["firm_id"], other["firm_name"])):
                labels.setdefault(key, name.replace(ILLUSTRATIVE_ZH,
                                                    illustrative_mark(True, lang)))
        drawing = {"nodes": [{"id": n["id"], "label": labels[n["id"]], "kind": n["kind"],
                              "community": n["community"], "degree": n["degree"],
                              "betweenness": n["betweenness"]} for n in result["nodes"]],
                   "edges": [{"source": e["source"], "target": e["target"],
                              "kinds": e["kinds"]} for e in result["edges"]],
                   "unmet": [g["id"] for g in result["unmet_needs"]],
                   "unused": [s["id"] for s in result["unused_suppliers"]]}
    return render(request, "innovation_map.html", session=session, result=result,
                  labels=labels, drawing=drawing, industry=industry or "",
                  region=region or "", missing=missing, status_code=404 if missing else 200)
