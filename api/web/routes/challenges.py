"""Challenge lists over JSON: `/api/challenges` (themes) and an organiser's rename, merge
and split. A stale theme answers 409, a region or industry with no firms 404.

Clustering is a job in the server's job table (kind "challenges"): `POST
/api/challenges/recompute` answers 202 at once with the job, `GET /api/challenges/jobs/{id}`
its stage and progress (and the run once done), `DELETE` cancels it (nothing written).
One run at a time across the server's workers (a run covers every region and
industry: the listings filter the stored themes); a listing never waits for a run: it
reads the stored themes and names the running job. The first listing of a graph
without themes starts the first run."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from duijie.api.jobs import SharedJobs, job_dict
from duijie.api.services import challenges
from duijie.api.services.access import Viewer
from duijie.api.web.deps import AccountsDep, JobsDep, OrganiserSession, StoreDep, ViewerDep
from duijie.api.web.event_models import JobFields
from duijie.graph.accounts import AccountStore
from duijie.graph.errors import Conflict
from duijie.graph.job_table import JobRow
from duijie.graph.model import MAX_NAME
from duijie.graph.store import GraphStore

router = APIRouter(prefix="/api", tags=["challenges"])
KIND = "challenges"
SUBJECT = "themes"  # one run at a time: a run clusters every open need
JobId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[0-9a-f]+$")]

ThemeId = Annotated[str, Path(min_length=1, max_length=200, pattern=r"^[^\s\x00-\x1f]+$")]
Place = Annotated[str | None, Query(max_length=MAX_NAME)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ThemeRename(Strict):
    name: str = Field(min_length=1, max_length=MAX_NAME)
    rev: int = Field(ge=0)


class ThemeMerge(Strict):
    themes: list[Annotated[str, Field(max_length=200)]] = Field(min_length=2, max_length=50)
    revs: list[Annotated[int, Field(ge=0)]] = Field(min_length=2, max_length=50)
    name: str | None = Field(None, min_length=1, max_length=MAX_NAME)


class ThemeSplit(Strict):
    needs: list[Annotated[str, Field(max_length=200)]] = Field(min_length=1, max_length=10_000)
    rev: int = Field(ge=0)
    name: str | None = Field(None, min_length=1, max_length=MAX_NAME)


class ChallengeJobOut(JobFields):
    result: challenges.ChallengeRun | None


def start_recompute(store: GraphStore, accounts: AccountStore, jobs: SharedJobs,
                    user_id: str | None, viewer: Viewer = challenges.OPERATOR) -> JobRow:
    """Start a run as a job (`Forbidden` for an organiser of one region, `Conflict` while
    one runs in any worker); the finished run goes to the audit log."""
    challenges.may_edit_themes(viewer)

    def run(progress, cancelled):
        result = challenges.recompute_challenges(store, viewer=viewer, progress=progress,
                                                 cancelled=cancelled)
        accounts.audit(user_id, "recompute", "Theme", None,
                       f"{result.needs} needs, {result.themes} themes, {result.pinned} pinned")
        return result

    return jobs.start(run, kind=KIND, subject=SUBJECT, name="recompute challenges",
                      owner=user_id)


def running_recompute(jobs: SharedJobs) -> JobRow | None:
    """The run going on now, in any worker (None when none is)."""
    latest = jobs.latest(KIND)
    return latest if latest is not None and not latest.finished else None


def first_run_if_none(store: GraphStore, accounts: AccountStore, jobs: SharedJobs,
                      user_id: str | None) -> JobRow | None:
    """The running job, or, for a graph without themes, its first run started now."""
    running = running_recompute(jobs)
    if running is not None and not running.finished:
        return running
    if challenges.has_themes(store):
        return None
    try:
        return start_recompute(store, accounts, jobs, user_id)
    except Conflict:  # another worker started it meanwhile
        return running_recompute(jobs)


def recompute_job(jobs: SharedJobs, job_id: str) -> JobRow:
    """A challenges job; `NotFound` for any other id."""
    return jobs.get_of_kind(job_id, KIND, what="a clustering job")


@router.get("/challenges", response_model=challenges.ChallengeLists)
def list_challenges(store: StoreDep, session: OrganiserSession, viewer: ViewerDep,
                    accounts: AccountsDep, jobs: JobsDep, region: Place = None,
                    industry: Place = None,
                    suppliers: Annotated[int, Query(ge=0, le=50)] = 5) -> dict:
    """Themes of similar needs across firms, their firms and best-placed helpers, as the
    last run stored them; `job` names a run going on now (before the first run has
    stored any theme, the answer has none and `computed_at` is null)."""
    job = first_run_if_none(store, accounts, jobs, session.user.id)
    result = challenges.challenge_lists(store, region=region, industry=industry,
                                        suppliers=suppliers, viewer=viewer,
                                        run_if_none=False)
    result.job = job.id if job is not None and not job.finished else None
    return result.to_dict()


@router.post("/challenges/recompute", response_model=ChallengeJobOut, status_code=202)
def recompute(store: StoreDep, session: OrganiserSession, viewer: ViewerDep,
              accounts: AccountsDep, jobs: JobsDep) -> dict[str, Any]:
    """Cluster the open needs again as a job and store the themes when it ends (an
    organiser without a scope; edited themes keep their needs); 409 while a run goes on."""
    return job_dict(start_recompute(store, accounts, jobs, session.user.id, viewer))


@router.get("/challenges/jobs/{job_id}", response_model=ChallengeJobOut)
def recompute_state(job_id: JobId, session: OrganiserSession, jobs: JobsDep
                    ) -> dict[str, Any]:
    """A run's stage, progress within it (`done` of `total`) and, once done, the run."""
    return job_dict(recompute_job(jobs, job_id))


@router.delete("/challenges/jobs/{job_id}", response_model=ChallengeJobOut)
def cancel_recompute(job_id: JobId, session: OrganiserSession, viewer: ViewerDep,
                     jobs: JobsDep) -> dict[str, Any]:
    """Stop a run at its next check (the stored themes stay as they were); its state once
    it has stopped (or after 10 s)."""
    challenges.may_edit_themes(viewer)
    recompute_job(jobs, job_id)
    return job_dict(jobs.cancel(job_id))


@router.post("/challenges/{theme_id}/rename", response_model=challenges.ThemeEdited)
def rename(store: StoreDep, session: OrganiserSession, viewer: ViewerDep, theme_id: ThemeId,
           body: ThemeRename) -> dict:
    """Name a theme; a theme changed since it was listed answers 409."""
    return challenges.rename_theme(store, theme_id, body.name, rev=body.rev,
                                   viewer=viewer).to_dict()


@router.post("/challenges/merge", response_model=challenges.ThemeEdited)
def merge(store: StoreDep, session: OrganiserSession, viewer: ViewerDep,
          body: ThemeMerge) -> dict:
    """Merge themes into the first one named."""
    return challenges.merge_themes(store, body.themes, revs=body.revs, name=body.name,
                                   viewer=viewer).to_dict()


@router.post("/challenges/{theme_id}/split", response_model=challenges.ThemeEdited)
def split(store: StoreDep, session: OrganiserSession, viewer: ViewerDep, theme_id: ThemeId,
          body: ThemeSplit) -> dict:
    """Move some needs of a theme into a new theme."""
    return challenges.split_theme(store, theme_id, body.needs, rev=body.rev, name=body.name,
                                  viewer=viewer).to_dict()
