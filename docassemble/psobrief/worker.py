"""Loaded by docassemble's celery worker (``celery modules:`` in its configuration).

Two things that make the worker processes safe for a list made in parts side by side:

docassemble's worker opens a database connection while it starts (``initialize``), before
celery forks its worker processes; with more than one process (``--concurrency``, or
``celery processes``) they all inherit that one connection, and two tasks that start at the
same moment then read each other's answers (seen here: ``NotImplementedError`` from
SQLAlchemy when two parts of a list started together). Each new worker process therefore
drops the inherited connections, as SQLAlchemy advises after a fork, and opens its own.

A part of a job is its own celery task here (:func:`make_part`, :data:`.jobs.PART_TASK`), so
it starts at once: docassemble's ``background_action`` first waits a second and loads the
interview session, which a part does not need (everything it needs travels with the task, and
its result goes to Redis and docassemble's file storage).

And a part of a job is marked as taken the moment a worker starts it (:func:`.jobs.mark_taken`),
before any work: a restart in the moments after celery took it from the queue is then
noticed like any other, and the part is started again.
"""

from __future__ import annotations

from typing import Any

from celery.signals import task_prerun, worker_process_init
from docassemble.webapp.tasks.app import celery_app

from .jobs import PART_ACTION, PART_TASK, mark_taken, run_part_job

__all__ = ["own_database_connections", "part_taken", "make_part"]


@celery_app.task(name=PART_TASK, ignore_result=True)
def make_part(context: dict[str, Any], arguments: dict[str, Any]) -> dict[str, Any]:
    """One part of a job (:func:`.jobs.run_part_job`) in docassemble's worker context: the
    application, and the session and interview the files belong to (``context``, from the
    web request that started the job)."""
    from docassemble.base.functions import set_uid
    from docassemble.base.thread_context import this_thread
    from docassemble.webapp.tasks.context import bg_context

    with bg_context():
        set_uid(context["session"])
        this_thread.current_info = {**context, "secret": None, "encrypted": True, "interface": "worker",
                                    "action": PART_ACTION, "arguments": {}}
        return run_part_job(**arguments)


@worker_process_init.connect
def own_database_connections(**_: Any) -> None:
    """In a new worker process: forget the database connections inherited from the parent
    (without closing them: they are the parent's) so this process opens its own."""
    import docassemble.webapp.db as direct
    from docassemble.webapp.extensions import db
    from docassemble.webapp.flask_app import flaskapp

    engines = set()
    with flaskapp.app_context():
        engines.update(db.engines.values())
    if direct._SessionLocal is not None:  # noqa: SLF001 - docassemble's own session factory
        engines.add(direct._SessionLocal.kw.get("bind"))  # noqa: SLF001
    engines.update(direct.binds.values())
    for engine in engines:
        if engine is not None:
            engine.dispose(close=False)


@task_prerun.connect
def part_taken(task: Any = None, args: Any = None, kwargs: Any = None, **_: Any) -> None:
    """Before a task runs: when it is a part of one of our jobs (or a mailing), mark it taken.
    Never raises."""
    try:
        name = getattr(task, "name", "")
        if name == PART_TASK and isinstance(kwargs, dict):
            arguments = kwargs.get("arguments") or {}
            if "key" in arguments and "part" in arguments:
                mark_taken(arguments["key"], arguments["part"])
            return
        if name != "tasks.background_action" or not args or len(args) < 7:
            return
        action = args[6]
        if not isinstance(action, dict):
            return
        arguments = action.get("arguments") or {}
        if action.get("action") == PART_ACTION and "key" in arguments and "part" in arguments:
            mark_taken(arguments["key"], arguments["part"])
        from .sending import SEND_ACTION

        if action.get("action") == SEND_ACTION and "progress" in arguments:
            mark_taken(arguments["progress"], "run")  # the mailing's heartbeat key: progress + ":run"
    except Exception as error:  # noqa: BLE001 - a mark that fails must not stop the task
        import logging

        logging.getLogger(__name__).warning("psobrief: could not mark a part as taken: %s", error)
