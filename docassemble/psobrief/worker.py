"""Loaded by docassemble's celery worker (``celery modules:`` in its configuration).

Two things that make the worker processes safe for a list made in parts side by side:

docassemble's worker opens a database connection while it starts (``initialize``), before
celery forks its worker processes; with more than one process (``--concurrency``, or
``celery processes``) they all inherit that one connection, and two tasks that start at the
same moment then read each other's answers (seen here: ``NotImplementedError`` from
SQLAlchemy when two parts of a list started together). Each new worker process therefore
drops the inherited connections, as SQLAlchemy advises after a fork, and opens its own.

And a part of a job is marked as taken the moment a worker starts it (:func:`.jobs.mark_taken`),
before docassemble's own second of waiting and the loading of the session: a restart in those
seconds is then noticed like any other, and the part is started again.
"""

from __future__ import annotations

from typing import Any

from celery.signals import task_prerun, worker_process_init

__all__ = ["own_database_connections", "part_taken"]


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
def part_taken(task: Any = None, args: Any = None, **_: Any) -> None:
    """Before a task runs: when it is a part of one of our jobs, mark it taken. Never raises."""
    try:
        if getattr(task, "name", "") != "tasks.background_action" or not args or len(args) < 7:
            return
        action = args[6]
        if not isinstance(action, dict):
            return
        from .jobs import PART_ACTION, mark_taken

        arguments = action.get("arguments") or {}
        if action.get("action") == PART_ACTION and "key" in arguments and "part" in arguments:
            mark_taken(arguments["key"], arguments["part"])
        from .sending import SEND_ACTION

        if action.get("action") == SEND_ACTION and "progress" in arguments:
            mark_taken(arguments["progress"], "run")  # the mailing's heartbeat key: progress + ":run"
    except Exception as error:  # noqa: BLE001 - a mark that fails must not stop the task
        import logging

        logging.getLogger(__name__).warning("psobrief: could not mark a part as taken: %s", error)
