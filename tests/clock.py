"""
A session-wide clock for the test suite (a pytest plugin, loaded by tests/conftest.py).

With STRATEGIST_TEST_NOW set to an ISO 8601 instant with its offset, such as
``STRATEGIST_TEST_NOW=2027-03-14T07:30:00Z``, the whole pytest session runs with
the clock moved there and ticking (time-machine), from before any test module is
imported until the session ends; .ci/run uses it to run the suite on dates that
catch month, year, leap-day and daylight-saving bugs. Only this process moves:
subprocesses, the real servers (gunicorn), Chromium and the database server keep
the real clock, so the browser and servers tests are not run this way.

A test that needs its own time still travels inside it with time_machine
(``time_machine.travel(..., tick=False)``, or the ``time_machine`` fixture), and
is back on the session's clock when it ends.
"""

import os
from datetime import UTC, datetime

import pytest
import time_machine

VARIABLE = "STRATEGIST_TEST_NOW"

_travel = None
_destination = None


def destination_from_environment():
    """The instant STRATEGIST_TEST_NOW names (aware, in UTC), or None when it is unset."""
    value = os.environ.get(VARIABLE, "").strip()
    if not value:
        return None
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(
            f"{VARIABLE}={value!r} is not an ISO 8601 instant (e.g. 2027-03-14T07:30:00Z)"
        ) from None
    if instant.tzinfo is None:
        raise pytest.UsageError(
            f"{VARIABLE}={value!r} has no UTC offset: write it as 2027-03-14T07:30:00Z"
            " or 2027-03-14T03:30:00-04:00"
        )
    return instant.astimezone(UTC)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    global _travel, _destination
    _destination = destination_from_environment()
    if _destination is None:
        return
    # A timestamp, not the datetime: only the instant moves. Given an aware
    # datetime, time-machine would also set the process's TZ to its zone.
    _travel = time_machine.travel(_destination.timestamp(), tick=True)
    _travel.start()


def pytest_unconfigure(config):
    global _travel
    if _travel is not None:
        _travel.stop()
        _travel = None


def _clock_line():
    return f"clock: moved to {_destination.isoformat()} ({VARIABLE}), ticking"


def pytest_report_header(config):
    if _destination is not None:
        return _clock_line()


def pytest_terminal_summary(terminalreporter):
    # The header is not shown with -q; the summary is.
    if _destination is not None:
        terminalreporter.write_line(_clock_line())
