"""The FastAPI application: routers under /api/v1, problem+json errors, middleware."""

import gc
import logging

from fastapi import APIRouter, FastAPI

from service import health
from service.accounts.router import router as accounts_router
from service.admission import AdmissionMiddleware
from service.analyses.router import router as analyses_router
from service.audits.router import router as audits_router
from service.audits.templates import template_registry
from service.bodylimit import BodyLimitMiddleware
from service.docs import install_docs
from service.engagements.router import router as engagements_router
from service.errors import install_error_handlers
from service.idempotency.middleware import IdempotencyMiddleware
from service.lifecycle import lifespan
from service.notifications.router import router as notifications_router
from service.openapi import install_openapi, operation_id
from service.partnerships.router import router as partnerships_router
from service.plans.router import router as plans_router
from service.programmes.router import router as programmes_router
from service.providers.router import router as providers_router
from service.reports.router import router as reports_router
from service.request_log import RequestLogMiddleware
from service.roundtables.router import router as roundtables_router
from service.settings import get_settings
from service.targets.router import router as targets_router
from service.tenders.router import router as tenders_router
from service.tracking.router import router as tracking_router
from service.web import errors as web_errors
from service.web.admin.router import router as web_admin_router
from service.web.analyses.router import router as web_analyses_router
from service.web.audits.router import router as web_audits_router
from service.web.decisions.router import router as web_decisions_router
from service.web.enrolment.router import router as web_enrolment_router
from service.web.plans.router import router as web_plans_router
from service.web.reports.router import router as web_reports_router
from service.web.roundtables.router import router as web_roundtables_router
from service.web.router import router as web_router
from service.web.targets.router import router as web_targets_router
from service.web.workbench.router import router as web_workbench_router

API_PREFIX = "/api/v1"


def create_app() -> FastAPI:
    """Build the application; refuses to start on a broken audit template or KPI catalogue."""
    template_registry()
    app = FastAPI(
        title="supplierdev",
        version="0.1.0",
        summary="Supplier development programmes: engagements, audits, round tables, "
        "improvement plans and reports.",
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
    )
    api = APIRouter(prefix=API_PREFIX)
    api.include_router(accounts_router)
    api.include_router(programmes_router)
    api.include_router(engagements_router)
    api.include_router(audits_router)
    api.include_router(roundtables_router)
    api.include_router(targets_router)
    api.include_router(analyses_router)
    api.include_router(plans_router)
    api.include_router(partnerships_router)
    api.include_router(tracking_router)
    api.include_router(reports_router)
    api.include_router(notifications_router)
    api.include_router(providers_router)
    api.include_router(tenders_router)
    app.include_router(api)
    app.include_router(health.router)
    install_docs(app)
    app.include_router(web_router)
    app.include_router(web_workbench_router)
    app.include_router(web_enrolment_router)
    app.include_router(web_admin_router)
    app.include_router(web_audits_router)
    app.include_router(web_roundtables_router)
    app.include_router(web_plans_router)
    app.include_router(web_targets_router)
    app.include_router(web_analyses_router)
    app.include_router(web_decisions_router)
    app.include_router(web_reports_router)
    install_error_handlers(app)
    web_errors.install(app)
    app.add_middleware(IdempotencyMiddleware)
    app.add_middleware(AdmissionMiddleware, limit=get_settings().max_concurrent_requests)
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(RequestLogMiddleware)
    install_openapi(app)
    logging.getLogger("supplierdev").setLevel(logging.INFO)
    _freeze_startup_objects()
    return app


def _freeze_startup_objects() -> None:
    """Keep what startup built (routes, schemas, templates) out of the garbage collector's
    full passes: they live as long as the process, and walking them stalled every request
    in flight for up to 100 ms (bench/README.md)."""
    gc.collect()
    gc.freeze()


def __getattr__(name: str) -> FastAPI:
    """`service.app:app` is built on first use, not when the module is imported: importing
    the module (a test, a tool, the CLI) loads no templates and freezes nothing."""
    if name == "app":
        globals()["app"] = built = create_app()
        return built
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
