"""The FastAPI application factory."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
import threading
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware
from sqlalchemy.engine import make_url

from stack8s_architect import __version__
from stack8s_architect.api.errors import install_error_handlers
from stack8s_architect.api.middleware import BodyLimit, RequestContext
from stack8s_architect.api.openapi import house_openapi
from stack8s_architect.api.security import Gate, authenticated, startup_mode
from stack8s_architect.agents.chat import ChatService
from stack8s_architect.agents.llm import build_extractor, build_narrator
from stack8s_architect.api.routers import account, catalog, chat, cluster, compute, health, models, sizing
from stack8s_architect.api.routers import charts as charts_router
from stack8s_architect.catalog.charts.service import ChartCatalog
from stack8s_architect.catalog.cluster.service import ClusterService
from stack8s_architect.catalog.compute.service import ComputeCatalog
from stack8s_architect.catalog.models.schemas import ModelSearchRequest
from stack8s_architect.catalog.models.search import search_models
from stack8s_architect.catalog.models.service import BackgroundEmbedder, model_resolver
from stack8s_architect.conversations.repository import ConversationStore
from stack8s_architect.core.database import Database, normalise_url
from stack8s_architect.core.logging import get_logger, register_secret
from stack8s_architect.core.settings import Settings
from stack8s_architect.rendering.bundle import finish_plan
from stack8s_architect.rendering.markdown import plan_markdown

log = get_logger(__name__)
# uvicorn's options for `architect serve`. Idle keep-alive connections stay open longer than clients (and
# proxies) usually keep them (uvicorn's default, 5 s, races a client reusing a connection as it closes).
# The app reads the client address from trusted proxies itself (ProxyHeadersMiddleware below), so uvicorn does not.
SERVER_OPTIONS = {"timeout_keep_alive": 75, "log_config": None, "proxy_headers": False}
_STATIC = Path(__file__).resolve().parent / "static"


def _warm_model_search(database: Database, done: threading.Event) -> None:
    """Build the model search index and the model resolver off the request path: the first chat turn would
    otherwise wait seconds, and while one is built (pure Python, seconds of CPU) every other request of the process
    waits for the interpreter. /ready says "warming" until `done`."""
    started = time.monotonic()
    try:
        with database.session() as session:
            search_models(session, ModelSearchRequest(query="llama chat model", limit=1), None)  # + rerank table
            model_resolver(session)
        log.info("service.warm", seconds=round(time.monotonic() - started, 2))
    except Exception:  # noqa: BLE001  (a cold index is only slower; requests still build it themselves)
        log.warning("service.warm_models_failed", exc_info=True)
    finally:
        done.set()


def turn_wait_s(settings: Settings) -> float:
    """How long a turn waits for the turn before it in its conversation: that turn's two LLM calls, and margin."""
    return 2 * settings.llm.llm_timeout_s + 60.0


def drain_on_signal(app: FastAPI, drain_s: float) -> Callable[[], None]:
    """On SIGTERM (or SIGINT), mark the app draining — /ready answers 503, so a load balancer stops sending — and hand
    the signal to the server `drain_s` seconds later; it then stops accepting and lets in-flight requests finish
    (ARCHITECT_SHUTDOWN_GRACE_S). Wraps the server's own handler (uvicorn's); returns how to put it back."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None  # signals are the main thread's (a test client runs the app elsewhere)
    loop = asyncio.get_running_loop()
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}

    def on_signal(sig: int, frame: object) -> None:
        first = not app.state.draining
        app.state.draining = True
        handler = handlers[sig]
        if not callable(handler):
            return
        if first and drain_s > 0:
            log.info("service.draining", seconds=drain_s, signal=signal.Signals(sig).name)
            loop.call_soon_threadsafe(loop.call_later, drain_s, handler, sig, frame)
        else:
            handler(sig, frame)

    for sig in handlers:
        signal.signal(sig, on_signal)

    def restore() -> None:
        for sig, handler in handlers.items():
            if signal.getsignal(sig) is on_signal:
                signal.signal(sig, handler)
    return restore


def create_app(
    settings: Settings | None = None, database: Database | None = None, *, embed_in_background: bool = True
) -> FastAPI:
    """Build the app; with no `database`, the lifespan opens (and later closes) one from settings."""
    settings = settings or Settings.load()
    register_secret(settings.llm.llm_api_key.get_secret_value() if settings.llm.llm_api_key else None)
    if settings.database.url is not None:  # the URL as written, as the engine writes it, and its password
        url = settings.database.url.get_secret_value()
        for form in (url, normalise_url(url), make_url(url).password):
            register_secret(form)
    # built now, not at start-up: a missing key or a bad ARCHITECT_LLM stops `serve` with one clear line
    extractor, narrator = build_extractor(settings), build_narrator(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = database is None
        app.state.database = database or Database.open(settings)
        if owned:
            app.state.database.upgrade()
        mode = startup_mode(settings, app.state.database)  # refuses a public bind without tokens
        app.state.gate = Gate(settings, app.state.database)
        with app.state.database.session() as session:
            offers = ComputeCatalog(session).warm()
            charts = ChartCatalog(session).warm()
        app.state.warm = threading.Event()
        threading.Thread(target=_warm_model_search, args=(app.state.database, app.state.warm), name="warm-models",
                         daemon=True).start()
        app.state.embedder = None
        if embed_in_background and settings.data.embeddings == "on":
            app.state.embedder = BackgroundEmbedder(app.state.database, settings.data.home / "cache")
            app.state.embedder.start()
        background = app.state.embedder
        app.state.cluster = ClusterService(settings.cluster)
        app.state.chat = ChatService(app.state.database, ConversationStore, render=plan_markdown, finish=finish_plan,
                                     extractor=extractor, narrate=narrator,
                                     embedder=lambda: background.embedder if background else None,
                                     cluster=app.state.cluster, wait_s=turn_wait_s(settings),
                                     turns_per_user=settings.server.turns_per_user,
                                     llm_tokens_per_day=settings.llm.llm_tokens_per_user_day)
        app.state.draining = False
        stop_draining = drain_on_signal(app, settings.server.drain_s)
        log.info("service.started", host=settings.server.host, port=settings.server.port, auth=mode,
                 database="embedded" if app.state.database.embedded else "external", llm=settings.llm.llm,
                 compute_offers=offers, charts=charts, cors_origins=settings.security.origins,
                 rate_limit_per_minute=settings.security.rate_limit_per_minute, cluster=app.state.cluster.source)
        if mode == "single-user":
            log.warning("service.single_user_mode", host=settings.server.host,
                        message="no users defined and bound to loopback: every request acts as the local user; "
                                "`architect users create NAME` + `architect tokens create NAME` require tokens")
        try:
            yield
        finally:
            stop_draining()
            if getattr(app.state, "embedder", None) is not None:
                app.state.embedder.stop()
            if owned:
                app.state.database.close()

    app = FastAPI(
        title="Stack8s AI Architect",
        version=__version__,
        description="AI/ML infrastructure plans from real catalogs and sizing formulas.",
        lifespan=lifespan,
        docs_url=None,  # FastAPI's pages load their scripts from a CDN: these below serve vendored copies
        redoc_url=None,
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.include_router(health.router)  # /health and /ready are open (probes); /metrics checks the token itself
    for module in (account, catalog, compute, cluster, sizing, models, charts_router, chat):
        app.include_router(module.router, dependencies=[Depends(authenticated)])
    app.openapi = lambda: house_openapi(app)  # type: ignore[method-assign]
    # outermost last: the request id wraps everything, CORS answers preflights before the body limit
    app.add_middleware(BodyLimit, limit=settings.security.max_body_bytes,
                       read_timeout_s=settings.server.request_read_timeout_s)
    if settings.security.origins:  # closed by default: no CORS headers, browsers keep other origins out
        app.add_middleware(CORSMiddleware, allow_origins=settings.security.origins, allow_credentials=False,
                           allow_methods=["GET", "POST", "PATCH", "DELETE"],
                           allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
                           expose_headers=["X-Request-ID", "Retry-After", "X-Manifest-Problems"])
    app.add_middleware(RequestContext)
    # outermost: behind a reverse proxy listed in ARCHITECT_TRUSTED_PROXIES, the client is the address it forwards
    # (rate limits per address, the logs); anyone else's X-Forwarded-For is ignored
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.server.proxies)

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(_STATIC / "index.html")

    @app.get("/docs", include_in_schema=False)
    def docs() -> FileResponse:
        """Swagger UI over /openapi.json, from vendored files (no CDN), under the app's Content-Security-Policy."""
        return FileResponse(_STATIC / "docs.html")

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> FileResponse:
        return FileResponse(_STATIC / "redoc.html")

    # the web UI's files, front-end libraries vendored from npm under vendor/ (scripts/vendor_frontend.py)
    app.mount("/static", StaticFiles(directory=_STATIC), name="static")

    return app


def worker_app() -> FastAPI:
    """The app of one worker process of `architect serve --workers N` (uvicorn's factory): settings from the environment
    the parent set, structured logs, the catalogs' on-disk indexes, and the database the parent migrated (the embedded
    server the parent started is reused, never stopped, by a worker)."""
    from stack8s_architect.catalog.index_cache import use_folder
    from stack8s_architect.core.logging import configure_logging

    settings = Settings.load()
    configure_logging(settings.logging.log_level, settings.logging.log_format)
    use_folder(settings.data.home / "cache" / "indexes")
    threading.Thread(target=_stop_with_parent, args=(os.getppid(),), name="parent-watch", daemon=True).start()
    return create_app(settings)


def _stop_with_parent(parent: int) -> None:
    """A worker whose parent is gone (killed with -9) would go on serving the port alone: it shuts down, gracefully."""
    while os.getppid() == parent:
        time.sleep(1.0)
    log.warning("service.parent_gone", parent=parent)
    os.kill(os.getpid(), signal.SIGTERM)
