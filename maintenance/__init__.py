"""
The daily jobs: apps register what must run once a day (purging old data) with
``register_daily(name, job)`` from their AppConfig.ready(), and
``manage.py run_daily_jobs`` (one cron line) runs them all.
"""

from maintenance.registry import daily_jobs, register_daily, run_daily

__all__ = ["daily_jobs", "register_daily", "run_daily"]
