"""
Machine instructions per cold request, counted by callgrind: a figure that other
programs on the machine do not move (unlike wall or CPU time on a shared VM).

    .venv/bin/python bench/instructions.py [PAGE ...] [--requests N]

Needs the benchmark's database and page list (run ``bench/run`` once, or
``bench/run --modes cold --keep-database``) and valgrind (Debian's package). Each
page is requested three times to warm up, then N times (6) inside
``operator.call``, the only code callgrind counts; the result is the count
divided by N, in millions of instructions (Mi) per request, every cache off
(CACHE_DISABLED=1) and DEBUG off, as ``bench/run``'s cold mode.
"""

import argparse
import json
import operator
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
PAGES = BASE / "bench" / "results" / "pages.json"
DEFAULT_PAGES = ("home", "article_50", "article_200", "tag", "feed")


def environment(database: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "strategist.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-secret-key-not-for-production-0123456789-abcdefghijklmnop",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database,
        "STATIC_ROOT": str(BASE / "bench" / "results" / "static"),
        "CACHE_DISABLED": "1",
        "LOG_LEVEL": "ERROR",
        "PYTHONHASHSEED": "0",
    }


def count(page: str, requests: int, env: dict) -> float:
    """Millions of instructions per request of ``page`` (runs this file under callgrind)."""
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--collect-atstart=no",
                "--toggle-collect=_operator_call*",
                f"--callgrind-out-file={tmp}/callgrind.out",
                sys.executable,
                __file__,
                "--serve",
                page,
                "--requests",
                str(requests),
            ],
            env=env,
            cwd=BASE,
            capture_output=True,
            text=True,
            check=True,
        )
    collected = re.search(r"Collected : (\d+)", result.stderr)
    return int(collected.group(1)) / requests / 1e6


def serve(page: str, requests: int) -> None:
    """In the process callgrind watches: warm up, then the counted requests."""
    sys.path.insert(0, str(BASE))
    import django

    django.setup()
    from django.test import Client

    path = json.loads(PAGES.read_text())[page]["path"]
    client = Client(HTTP_HOST="127.0.0.1")
    for _ in range(3):
        status = client.get(path).status_code
        if status != 200:
            raise SystemExit(f"{path} answered {status}")

    def counted():
        for _ in range(requests):
            client.get(path)

    operator.call(counted)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("pages", nargs="*", default=DEFAULT_PAGES)
    parser.add_argument("--requests", type=int, default=6)
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/strategist_bench")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.pages[0], args.requests)
        return
    env = environment(args.database)
    for page in args.pages:
        print(f"{page:<12} {count(page, args.requests, env):8.2f} Mi/request", flush=True)


if __name__ == "__main__":
    main()
