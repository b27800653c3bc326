"""
The registry of daily jobs. A job is a callable taking no argument that does
its work and returns a line saying what it did (or None); it reads its own
settings when it runs. Jobs run in the order they were registered.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger("maintenance")

Job = Callable[[], str | None]

_jobs: dict[str, Job] = {}


@dataclass(frozen=True)
class JobResult:
    """How one job went: its report line, or the exception that stopped it."""

    name: str
    ok: bool
    message: str
    seconds: float


def register_daily(name: str, job: Job) -> None:
    """
    Run ``job`` once a day under ``name``. Registering the same name again
    replaces the job (ready() may run more than once in tests).
    """
    _jobs[name] = job


def daily_jobs() -> dict[str, Job]:
    """The registered jobs by name, in the order they run."""
    return dict(_jobs)


def run_daily(names: list[str] | None = None) -> list[JobResult]:
    """
    Run every registered job (or those named), each logged; a job that raises
    is logged with its traceback and does not stop the others.
    """
    results = []
    for name, job in daily_jobs().items():
        if names is not None and name not in names:
            continue
        started = time.monotonic()
        try:
            message = job() or "done"
        except Exception as error:
            logger.exception("Daily job %s failed", name)
            results.append(
                JobResult(name, False, f"{type(error).__name__}: {error}", _since(started))
            )
            continue
        logger.info("Daily job %s: %s", name, message)
        results.append(JobResult(name, True, message, _since(started)))
    return results


def _since(started: float) -> float:
    return round(time.monotonic() - started, 3)
