"""The drawing of a firm's own map on its page (`/firms/{id}/map`, a panel the firm's page
loads with htmx): cytoscape (vendored) over the same use case as `/api/firms/{id}/map`,
names in the reader's language with 示意 marks."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from duijie.api.services.firm_map import firm_map
from duijie.api.web.deps import viewer_of
from duijie.api.web.pages import language, render, signed_in_page
from duijie.graph.vocab import illustrative_mark

router = APIRouter(include_in_schema=False)


@router.get("/firms/{firm_id}/map")
def firm_map_panel(firm_id: str, request: Request) -> Response:
    """The drawing's panel, put into the firm's page by htmx."""
    session = signed_in_page(request)
    if isinstance(session, Response):
        return session
    result = firm_map(request.app.state.store, firm_id, viewer=viewer_of(session)).to_dict()
    lang = language(request)
    labels = {n["id"]: n["name"] + illustrative_mark(n["illustrative"], lang)
              for n in result["nodes"]}
    drawing = {"nodes": [{"id": n["id"], "label": labels[n["id"]], "kind": n["kind"],
                          "community": n["community"], "degree": n["degree"],
                          "betweenness": n["betweenness"]} for n in result["nodes"]],
               "edges": [{"source": e["source"], "target": e["target"], "kinds": e["kinds"]}
                         for e in result["edges"]],
               "unmet": [g["id"] for g in result["unmet_needs"]], "unused": []}
    return render(request, "_firm_map.html", session=session, result=result, labels=labels,
                  drawing=drawing)
