"""TASKS_BACKEND: which task backend sends the site's email (read from the environment)."""

import json

import pytest

from tests.strategist.test_settings import run_python

READ_TASKS = """
import json
import django
from django.conf import settings
django.setup()
print(json.dumps(settings.TASKS))
"""


def tasks_with(**env: str) -> dict:
    result = run_python(READ_TASKS, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_development_runs_tasks_in_the_process():
    backend = tasks_with(TASKS_BACKEND="")["default"]["BACKEND"]  # "" counts as unset
    assert backend == "django_tasks.backends.immediate.ImmediateBackend"


def test_production_stores_tasks_for_the_worker():
    backend = tasks_with(TASKS_BACKEND="database")["default"]["BACKEND"]
    assert backend == "django_tasks_db.DatabaseBackend"


@pytest.mark.parametrize("value", ["redis", "django_tasks_db.Nonsense"])
def test_an_unknown_backend_is_a_clear_startup_error(value):
    result = run_python(READ_TASKS, TASKS_BACKEND=value)
    assert result.returncode != 0
    assert "TASKS_BACKEND must be immediate or database" in result.stderr
