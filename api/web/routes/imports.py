"""Imports and the export: `POST /api/imports` takes a CSV/XLSX upload and checks it as a
job (stage and progress), `POST /api/imports/{id}/confirm` writes it all or nothing,
`GET /api/export` downloads the whole graph as JSON Lines. Pages at `/imports`.

Uploads may be as large as `max_upload_bytes` (`DUIJIE_MAX_UPLOAD_BYTES`, 20 MiB by
default); a larger one is refused with 413 before it is read (`api/web/limits.py`).
The jobs are rows of the job table beside the accounts, so every worker answers for each.
"""

from __future__ import annotations

import io
import threading
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from duijie.api.services.import_jobs import ImportJob, ImportJobList, ImportJobs
from duijie.api.services.io import export_graph
from duijie.api.web.deps import AccountsDep, OrganiserSession, StoreDep, viewer_of
from duijie.graph.headers import IMPORT_KINDS

router = APIRouter(tags=["imports"])
_create_lock = threading.Lock()


def get_import_jobs(request: Request) -> ImportJobs:
    """The import jobs, in the job table every worker shares."""
    state = request.app.state
    with _create_lock:
        if getattr(state, "import_jobs", None) is None:
            state.import_jobs = ImportJobs(state.jobs.table, state.store)
    return state.import_jobs


JobsDep = Annotated[ImportJobs, Depends(get_import_jobs)]


@router.post("/api/imports", response_model=ImportJob, status_code=202)
async def start_import(jobs: JobsDep, accounts: AccountsDep, session: OrganiserSession,
                       file: Annotated[UploadFile, File(description="A .csv (UTF-8 or GBK) "
                                                                    "or .xlsx file")],
                       kind: Annotated[str, Form(description="What the rows are: Enterprise, "
                                                             "Need, … or 企业, 需求, …; edges")],
                       sheet: Annotated[str | None, Form(description="XLSX: the sheet")] = None
                       ) -> dict:
    """Upload a spreadsheet and start its preview: every problem by row and field, and
    what each row would create, update or merge. Nothing is written until confirmed."""
    data = await file.read()
    job = jobs.preview(kind, file.filename, data, user=session.user.id, sheet=sheet or None)
    accounts.audit(session.user.id, "import_preview", "Import", job.id, job.file)
    return job.to_dict()


@router.get("/api/imports", response_model=ImportJobList)
def list_imports(jobs: JobsDep, session: OrganiserSession) -> dict:
    """Imports, newest first."""
    return jobs.list().to_dict()


@router.get("/api/imports/{job_id}", response_model=ImportJob)
def get_import(job_id: str, jobs: JobsDep, session: OrganiserSession) -> dict:
    """One import: its phase, status, stage and progress, preview and result."""
    return jobs.get(job_id).to_dict()


@router.post("/api/imports/{job_id}/confirm", response_model=ImportJob, status_code=202)
def confirm_import(job_id: str, jobs: JobsDep, accounts: AccountsDep,
                   session: OrganiserSession) -> dict:
    """Write a previewed upload in one batch (409 if it has problems, is still being
    checked, or was confirmed already; the confirm itself fails with 409 if the store
    changed since the preview)."""
    job = jobs.confirm(job_id, user=session.user.id)
    accounts.audit(session.user.id, "import_confirm", "Import", job.id, job.file)
    return job.to_dict()


@router.post("/api/imports/{job_id}/cancel", response_model=ImportJob)
def cancel_import(job_id: str, jobs: JobsDep, session: OrganiserSession) -> dict:
    """Stop a preview, or a confirm before it writes."""
    return jobs.cancel(job_id).to_dict()


@router.get("/api/export", response_class=Response,
            responses={200: {"content": {"application/x-ndjson": {}},
                             "description": "A header line, every node, every edge."}})
def export(store: StoreDep, accounts: AccountsDep, session: OrganiserSession) -> Response:
    """The whole graph as JSON Lines (what `duijie graph import` reads back); for an
    organiser without a region scope (it holds every record, confidential included)."""
    stream = io.StringIO()
    result = export_graph(store, stream, viewer=viewer_of(session))
    accounts.audit(session.user.id, "export", None, None,
                   f"{result.nodes} nodes, {result.edges} edges")
    return Response(stream.getvalue().encode("utf-8"), media_type="application/x-ndjson",
                    headers={"content-disposition": 'attachment; filename="duijie.jsonl"'})


# -- pages ---------------------------------------------------------------------------

@router.get("/imports", response_class=HTMLResponse, include_in_schema=False)
def imports_page(request: Request, jobs: JobsDep, session: OrganiserSession) -> HTMLResponse:
    from duijie.api.web.pages import render

    chosen = request.query_params.get("kind")  # a link from another page picks the kind
    return render(request, "imports.html", session=session, jobs=jobs.list().items[:20],
                  kinds=IMPORT_KINDS, chosen=chosen if chosen in IMPORT_KINDS else None)


@router.post("/imports", include_in_schema=False)
async def imports_upload(jobs: JobsDep, accounts: AccountsDep, session: OrganiserSession,
                         file: Annotated[UploadFile, File()], kind: Annotated[str, Form()],
                         sheet: Annotated[str, Form()] = "") -> RedirectResponse:
    data = await file.read()
    job = jobs.preview(kind, file.filename, data, user=session.user.id, sheet=sheet or None)
    accounts.audit(session.user.id, "import_preview", "Import", job.id, job.file)
    return RedirectResponse(f"/imports/{job.id}", status_code=303)


@router.get("/imports/{job_id}", response_class=HTMLResponse, include_in_schema=False)
def import_page(job_id: str, request: Request, jobs: JobsDep,
                session: OrganiserSession) -> HTMLResponse:
    from duijie.api.services.resolve import evidence
    from duijie.api.web.pages import render

    job = jobs.get(job_id)
    fragment = request.headers.get("hx-request") == "true"
    return render(request, "import_job.html" if not fragment else "import_status.html",
                  session=session, job=job, evidence=evidence)


@router.post("/imports/{job_id}/confirm", include_in_schema=False)
def import_confirm_page(job_id: str, jobs: JobsDep, accounts: AccountsDep,
                        session: OrganiserSession) -> RedirectResponse:
    job = jobs.confirm(job_id, user=session.user.id)
    accounts.audit(session.user.id, "import_confirm", "Import", job.id, job.file)
    return RedirectResponse(f"/imports/{job.id}", status_code=303)
