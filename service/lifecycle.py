"""What a server worker starts, it stops: on shutdown (SIGTERM from `supplierdev serve` or a
process manager) the report render workers and multiprocessing's resource tracker end with
it, and the database pool is closed. Nothing is left running, parented to init."""

import multiprocessing.resource_tracker as resource_tracker
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.concurrency import run_in_threadpool


@asynccontextmanager
async def lifespan(_app: Any) -> AsyncIterator[None]:
    """The application's lifespan: the in-process notification worker (unless turned off)
    is the only thing started; everything is stopped."""
    from service.notifications.worker import start_in_process

    worker = start_in_process()
    yield
    if worker is not None:
        thread, stop = worker
        stop.set()
        await run_in_threadpool(thread.join)
    await run_in_threadpool(shutdown)


def shutdown() -> None:
    """Stop the render workers (waiting for them), the resource tracker and the pool."""
    from service.database import get_engine
    from service.reports.rendering import render_pool

    if render_pool.cache_info().currsize:
        render_pool().shutdown(wait=True, cancel_futures=True)
        render_pool.cache_clear()
    # The tracker outlives its parent until every copy of its pipe is closed; stop it now.
    tracker: Any = resource_tracker._resource_tracker
    if getattr(tracker, "_pid", None) is not None and hasattr(tracker, "_stop"):
        tracker._stop()
    if get_engine.cache_info().currsize:
        get_engine().dispose()
