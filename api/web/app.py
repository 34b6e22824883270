"""The web service: `create_app()` builds it, `duijie serve` runs it.

>>> app = create_app(Settings(db=":memory:", seed_on_empty=False))
>>> {'/api/session', '/health', '/ready'} <= set(app.openapi()["paths"])
True
"""

from __future__ import annotations

import importlib
import pkgutil
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from duijie.api.jobs import SharedJobs
from duijie.api.web import pages, problems, routes
from duijie.api.web.limits import BodyLimit
from duijie.api.web.settings import Settings
from duijie.graph.job_table import JobTable, jobs_path


def open_backends(settings: Settings):
    """The store and the accounts for these settings (the store seeded if asked and empty)."""
    from duijie.api.services.accounts import accounts_path
    from duijie.graph import open_store
    from duijie.graph.accounts import AccountStore

    store = open_store(settings.store_url)
    if settings.seed_on_empty and not store.counts()["nodes"]:
        from duijie.api.services.seeding import load_seed

        load_seed(store)
    path = settings.accounts or accounts_path(settings.store_url)
    return store, AccountStore(path)


def route_modules() -> list:
    """Every module of `api/web/routes/` (each defines `router`): the JSON API before the
    pages, each in name order.

    Starlette finds a request's route by trying the routes in turn (about 110 of them),
    and that search was a third of a cached recommendation's cost: the routes scripts
    call at machine speed come first, the pages people click come after. No path
    matches two routes, so the order changes no answer (a test checks).
    """
    found = [importlib.import_module(f"{routes.__name__}.{m.name}")
             for m in pkgutil.iter_modules(routes.__path__)]
    return sorted(found, key=lambda m: (not m.router.prefix.startswith("/api"), m.__name__))


def create_app(settings: Settings | None = None) -> FastAPI:
    """The FastAPI application; the store opens when the app starts."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.store, app.state.accounts = open_backends(settings)
        # jobs beside the accounts: one table every worker process reads and writes
        app.state.jobs = SharedJobs(JobTable(jobs_path(app.state.accounts.path)))
        try:
            yield
        finally:
            app.state.store.close()
            app.state.accounts.close()
            app.state.jobs.table.close()

    app = FastAPI(title="Duijie 对接", version="0.1.0", lifespan=lifespan,
                  description="Match enterprise technology needs to experts, institutes and "
                              "programmes; plan docking events; learn from outcomes.")
    app.state.settings = settings
    problems.install(app)
    for module in route_modules():
        app.include_router(module.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=pages.HERE / "static"), name="static")
    app.add_middleware(BodyLimit, max_body=settings.max_body_bytes,
                       max_upload=settings.max_upload_bytes)
    return app
