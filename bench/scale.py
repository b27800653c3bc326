"""
The scale benchmark behind ``bench/run --scale``: a publication of twenty years.

``generate`` (re)creates the PostgreSQL database strategist_scale, migrates it
and fills it with bulk SQL (bench/scale.sql: 100,000 articles over 2006-12 ..
2026-11 and 2,000,000 comments by default), adds an admin and a moderator,
then runs VACUUM ANALYZE, printing the time of each step. ``measure`` copies
that database (createdb -T) and requests every kind of page cold (every cache
off), one at a time, in this process with django.test.Client and production
settings: each page once to warm up, then five times (once after a slow
warm-up); the median of wall time, the slowest SQL statement, the number of
statements and the response size is reported. Prints a table and writes
bench/results/scale-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ET  # noqa: S405 - the site's own sitemap
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
BASE = BENCH.parent
RESULTS = BENCH / "results"
PYTHON = str(BASE / ".venv" / "bin" / "python")
SQL = BENCH / "scale.sql"

ADMIN = ("scale-admin", "scale-admin")
MODERATOR = ("scale-moderator", "scale-moderator")
WALL_TARGET_MS = 100.0
SIZE_TARGET = 2 * 1024 * 1024
RUNS = 5
# A page slower than this (warm-up, ms) is requested once more, not RUNS times.
SLOW_MS = 2000.0

# The rare words of bench/scale.sql: word(i) = A[i % 40] + B[(i // 40) % 40] + C[i // 1600 % 40].
RARE_A = [
    "qua",
    "zo",
    "vi",
    "ka",
    "lu",
    "mo",
    "ne",
    "ri",
    "sa",
    "te",
    "fu",
    "go",
    "ha",
    "ji",
    "ke",
    "la",
    "mi",
    "no",
    "pu",
    "ro",
    "si",
    "tu",
    "va",
    "we",
    "xa",
    "yo",
    "za",
    "bi",
    "co",
    "di",
    "ep",
    "ix",
    "ul",
    "ob",
    "ak",
    "em",
    "in",
    "os",
    "ur",
    "ya",
]
RARE_B = [
    "bra",
    "cre",
    "dri",
    "fle",
    "glo",
    "kru",
    "pla",
    "pro",
    "sta",
    "tri",
    "vol",
    "mar",
    "nid",
    "ter",
    "sol",
    "pan",
    "ril",
    "gos",
    "tav",
    "bek",
    "lim",
    "dor",
    "fas",
    "wel",
    "zin",
    "hup",
    "cav",
    "mot",
    "ser",
    "jal",
    "nov",
    "pes",
    "rud",
    "tok",
    "gam",
    "lev",
    "bir",
    "kon",
    "sut",
    "zal",
]
RARE_C = [
    "ix",
    "ox",
    "ax",
    "ent",
    "ish",
    "ium",
    "ora",
    "elle",
    "ando",
    "ito",
    "ark",
    "ost",
    "ine",
    "ule",
    "yx",
    "ath",
    "orn",
    "ain",
    "eck",
    "upt",
    "usk",
    "ilt",
    "oom",
    "eel",
    "ard",
    "irk",
    "aft",
    "ump",
    "ess",
    "ode",
    "ake",
    "ime",
    "ure",
    "ope",
    "eve",
    "ast",
    "ict",
    "olm",
    "urn",
    "ymph",
]


def log(message: str) -> None:
    print(f"[scale {datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def rare_word(i: int) -> str:
    """The i-th rare word of bench/scale.sql."""
    return RARE_A[i % 40] + RARE_B[(i // 40) % 40] + RARE_C[(i // 1600) % 40]


def psql(url: str, sql: str) -> str:
    """Run SQL through psql (autocommit) and return its unaligned output; exit on an error."""
    finished = subprocess.run(
        ["psql", url, "-v", "ON_ERROR_STOP=1", "-qAtc", sql], capture_output=True, text=True
    )
    if finished.returncode:
        raise SystemExit(f"psql: {sql[:80]}: {finished.stderr.strip()}")
    return finished.stdout.strip()


def site_env(database_url: str) -> dict[str, str]:
    """Production settings with every cache off, as bench/bench.py runs the site cold."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "strategist.settings",
        "DEBUG": "0",
        "SECRET_KEY": "scale-secret-key-not-for-production-0123456789-abcdefghijklmnop",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "CACHE_DISABLED": "1",
        "LOG_LEVEL": "ERROR",
        "RECAPTCHA_PUBLIC_KEY": "scale-public-key",
        "RECAPTCHA_PRIVATE_KEY": "scale-private-key",
    }
    for name in ("REDIS_URL", "PAGE_CACHE_ENABLED", "DATABASE_REPLICA_URL", "QUERY_COUNT_HEADER"):
        env.pop(name, None)
    return env


# Run with the code being migrated (cwd): the admin, the moderator, the singletons.
ACCOUNTS = """
import django
django.setup()
from django.apps import apps
from django.contrib.auth.models import Group, User

admin = User.objects.create_superuser({admin!r}, "scale-admin@example.com", {admin_password!r})
moderator = User.objects.create_user(
    {moderator!r}, "scale-moderator@example.com", {moderator_password!r}, is_staff=True
)
moderator.groups.add(Group.objects.get(name="Moderators"))
for label in ("posts.SiteSettings", "comments.DiscussionSettings"):
    apps.get_model(label).load()
"""


def generate(args: argparse.Namespace, code_dir: Path) -> dict[str, float]:
    """Recreate, migrate (with the code in code_dir) and fill the database; seconds per step."""
    url = f"{args.server}/{args.database}"
    env = site_env(url)
    steps: dict[str, float] = {}
    started = time.monotonic()

    def done(step: str, since: float) -> float:
        now = time.monotonic()
        steps[step] = round(now - since, 1)
        log(f"{step}: {steps[step]:.1f} s")
        return now

    mark = started
    # No FORCE: a database someone is still connected to is not dropped from under them.
    psql(f"{args.server}/postgres", f'DROP DATABASE IF EXISTS "{args.database}"')
    psql(f"{args.server}/postgres", f'CREATE DATABASE "{args.database}"')
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env=env, cwd=code_dir, check=True
    )
    mark = done("create and migrate", mark)
    command = [
        "psql",
        url,
        "-X",
        "-q",
        "-v",
        f"articles={args.articles}",
        "-v",
        f"comments={args.comments}",
        "-v",
        f"seed={args.seed}",
        "-f",
        str(SQL),
    ]
    step = None
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        for line in process.stdout or ():
            if line.startswith("step: "):
                if step:
                    mark = done(step, mark)
                step = line.removeprefix("step: ").strip()
    if process.returncode:
        raise SystemExit(f"bench/scale.sql failed (psql exit status {process.returncode}).")
    subprocess.run(
        [
            PYTHON,
            "-c",
            ACCOUNTS.format(
                admin=ADMIN[0],
                admin_password=ADMIN[1],
                moderator=MODERATOR[0],
                moderator_password=MODERATOR[1],
            ),
        ],
        env=env,
        cwd=code_dir,
        check=True,
    )
    mark = done("accounts and settings", mark)
    psql(url, "VACUUM ANALYZE")
    mark = done("vacuum analyze", mark)
    steps["total"] = round(time.monotonic() - started, 1)
    counts = psql(
        url,
        "SELECT (SELECT count(*) FROM posts_article) || ' articles, ' || "
        "(SELECT count(*) FROM comments_comment) || ' comments, ' || "
        "pg_size_pretty(pg_database_size(current_database()))",
    )
    log(f"generated {counts} in {steps['total']:.0f} s")
    return steps


def copy_database(args: argparse.Namespace, target: str) -> None:
    """Make target a fresh copy of the generated database (createdb -T), retrying while busy."""
    psql(f"{args.server}/postgres", f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
    for attempt in range(30):
        copied = subprocess.run(
            [
                "psql",
                f"{args.server}/postgres",
                "-qAtc",
                f'CREATE DATABASE "{target}" TEMPLATE "{args.database}"',
            ],
            capture_output=True,
            text=True,
        )
        if copied.returncode == 0:
            return
        if "being accessed by other users" not in copied.stderr or attempt == 29:
            raise SystemExit(f"Copying {args.database}: {copied.stderr.strip()}")
        time.sleep(2)  # another copy of the template is under way


class QueryTimer:
    """An execute_wrapper timing every SQL statement of a request."""

    def __init__(self) -> None:
        self.queries: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append(((time.perf_counter() - started) * 1000, sql))


def request_once(client, path: str) -> dict[str, Any]:
    """One request: status, wall ms, statements, the slowest statement, bytes."""
    from django.db import connections

    timer = QueryTimer()
    wrappers = [connections[alias].execute_wrapper(timer) for alias in connections]
    started = time.perf_counter()
    for wrapper in wrappers:
        wrapper.__enter__()
    try:
        response = client.get(path)
        content = b"".join(response.streaming_content) if response.streaming else response.content
    finally:
        wall = (time.perf_counter() - started) * 1000
        for wrapper in reversed(wrappers):
            wrapper.__exit__(None, None, None)
    slowest = max(timer.queries, default=(0.0, ""))
    return {
        "status": response.status_code,
        "ms": wall,
        "queries": len(timer.queries),
        "sql_ms": sum(ms for ms, _ in timer.queries),
        "slowest_ms": slowest[0],
        "slowest_sql": " ".join(slowest[1].split())[:100],
        "bytes": len(content),
        "location": response.get("Location", ""),
        "content": content,
    }


def measure_page(client, name: str, path: str, runs: int = RUNS) -> dict[str, Any]:
    """
    A warm-up request, then the median of ``runs`` (the slowest statement of
    the median run); one run only after a warm-up slower than SLOW_MS.
    """
    warm_up = request_once(client, path)
    if warm_up["ms"] > SLOW_MS:
        runs = 1
    samples = [request_once(client, path) for _ in range(runs)]
    middle = sorted(samples, key=lambda sample: sample["ms"])[len(samples) // 2]
    result = {
        "page": name,
        "path": path,
        "runs": runs,
        "status": middle["status"],
        "ms": round(statistics.median(s["ms"] for s in samples), 1),
        "ms_min": round(min(s["ms"] for s in samples), 1),
        "ms_max": round(max(s["ms"] for s in samples), 1),
        "sql_ms": round(statistics.median(s["sql_ms"] for s in samples), 1),
        "slowest_sql_ms": round(statistics.median(s["slowest_ms"] for s in samples), 1),
        "slowest_sql": middle["slowest_sql"],
        "queries": middle["queries"],
        "bytes": middle["bytes"],
        "location": middle["location"],
    }
    result["meets_time"] = result["ms"] <= WALL_TARGET_MS and result["status"] < 500
    result["meets_size"] = result["bytes"] <= SIZE_TARGET
    log(
        f"{name} {path[:60]}: {result['status']} {result['ms']} ms, "
        f"{result['queries']} queries, slowest {result['slowest_sql_ms']} ms, "
        f"{result['bytes'] // 1024} KB"
    )
    result["_content"] = middle["content"]
    return result


def sitemap_sections(content: bytes) -> list[tuple[str, str]]:
    """A sitemap index's first, middle and last sections as (name, path); none for a urlset."""
    from urllib.parse import urlsplit

    root = ET.fromstring(content)  # noqa: S314 - the site's own output
    if not root.tag.endswith("sitemapindex"):
        return []
    locations = [element.text or "" for element in root.iter() if element.tag.endswith("loc")]
    picked: dict[int, str] = {}
    for label, index in (("first", 0), ("middle", len(locations) // 2), ("last", -1)):
        if locations and index not in picked:
            picked[index % len(locations)] = label
    sections = []
    for index, label in sorted(picked.items()):
        parts = urlsplit(locations[index])
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        sections.append((f"sitemap {label} ({len(locations)} sections)", path))
    return sections


def pages_to_measure() -> list[tuple[str, str]]:
    """The public pages (name, path), chosen from the data: the biggest tag, author, outlet..."""
    from django.db.models import Count
    from django.urls import reverse

    from posts.models import Article, Author, Outlet, Tag

    per_page = 10
    published = Article.objects.published().count()
    last_page = max(1, -(-published // per_page))
    tag = Tag.objects.annotate(n=Count("articles")).order_by("-n").first()
    author = Author.objects.annotate(n=Count("articles")).order_by("-n").first()
    outlet = Outlet.objects.annotate(n=Count("quotations")).order_by("-n").first()
    most = (
        Article.objects.published()
        .annotate(n=Count("comments"))
        .order_by("-n")
        .values_list("pk", "n")
        .first()
    )
    busiest = Article.objects.get(pk=most[0])
    ordinary = Article.objects.published().order_by("-pub_date")[published // 2]
    common = ["democratic", "majority", "voters", "senate", "working", "class", "turnout"]
    twenty = " ".join((common * 3)[:20])
    long_query = " ".join(["strategy", "majority", "coalition", "suburban"] * 60)[:1000]
    return [
        ("home", "/"),
        ("page 2", "/page/2/"),
        ("page 50", "/page/50/"),
        ("page 100", "/page/100/"),
        ("page 101", "/page/101/"),
        (f"last page ({last_page})", f"/page/{last_page}/"),
        (f"tag {tag.slug} ({tag.n})", tag.get_absolute_url()),
        ("tag page 20", f"{tag.get_absolute_url()}page/20/"),
        (f"author ({author.n})", author.get_absolute_url()),
        (f"source ({outlet.n})", outlet.get_absolute_url()),
        ("archives", "/archives/"),
        ("year 2016", "/2016/"),
        ("month 2016-05", "/2016/05/"),
        ("search democratic majority", "/search/?q=democratic+majority"),
        (f"search rare {rare_word(12345)}", f"/search/?q={rare_word(12345)}"),
        ("search phrase", "/search/?q=%22senate+majority%22"),
        ("search no match", "/search/?q=zyzzyvaqx"),
        ("search 20 words", "/search/?q=" + twenty.replace(" ", "+")),
        ("search 1000 chars", "/search/?q=" + long_query.replace(" ", "+")),
        ("feed", "/feed/"),
        ("feed atom", "/feed/atom/"),
        ("tag feed", reverse("posts:tag-feed", kwargs={"slug": tag.slug})),
        ("comments feed", "/feed/comments/"),
        ("article comments feed", f"{busiest.get_absolute_url()}feed/"),
        ("sitemap.xml", "/sitemap.xml"),
        ("robots.txt", "/robots.txt"),
        (f"article, {most[1]} comments", busiest.get_absolute_url()),
        ("article, ordinary", ordinary.get_absolute_url()),
    ]


ADMIN_PAGES = [
    ("admin index", "/admin/"),
    ("queue (default)", "/admin/comments/comment/"),
    ("queue approved", "/admin/comments/comment/?status=approved"),
    ("queue all", "/admin/comments/comment/?status=all"),
    ("queue spam", "/admin/comments/comment/?status=spam"),
    ("queue approved p100", "/admin/comments/comment/?status=approved&p=99"),
    ("admin articles", "/admin/posts/article/"),
]


def collect_static(env: dict[str, str]) -> None:
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, cwd=BASE, check=True
    )


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Copy the generated database, migrate the copy and measure every page cold."""
    target = f"{args.database}_measure"
    log(f"copying {args.database} to {target}")
    copy_database(args, target)
    env = site_env(f"{args.server}/{target}")
    env["STATIC_ROOT"] = str(RESULTS / "static-scale")
    # Migrations may rewrite a large table: timed, never cut short.
    started = time.monotonic()
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env=env, cwd=BASE, check=True
    )
    log(f"migrated {target} in {time.monotonic() - started:.0f} s")
    # A page whose query runs longer fails (5xx) instead of holding up the run.
    psql(
        f"{args.server}/postgres",
        f"ALTER DATABASE \"{target}\" SET statement_timeout = '{args.statement_timeout}s'",
    )
    collect_static(env)
    os.environ.update(env)
    sys.path.insert(0, str(BASE))
    import django

    django.setup()
    # A failing page is a result (its status), not a traceback in the output.
    logging.disable(logging.ERROR)
    from django.contrib.auth import get_user_model
    from django.test import Client

    public = Client(raise_request_exception=False)
    results = []
    pages = pages_to_measure()
    for name, path in pages:
        result = measure_page(public, name, path)
        results.append(result)
        if name == "sitemap.xml" and result["status"] == 200:
            for section, section_path in sitemap_sections(result["_content"]):
                results.append(measure_page(public, section, section_path))
    admin = Client(raise_request_exception=False)
    admin.force_login(get_user_model().objects.get(username=ADMIN[0]))
    for name, path in ADMIN_PAGES:
        results.append(measure_page(admin, name, path))
    moderator = Client(raise_request_exception=False)
    moderator.force_login(get_user_model().objects.get(username=MODERATOR[0]))
    results.append(measure_page(moderator, "queue (moderator)", "/admin/comments/comment/"))
    for result in results:
        result.pop("_content", None)
    return {"database": target, "statement_timeout_s": args.statement_timeout, "pages": results}


def table(pages: list[dict[str, Any]]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| page | status | ms | slowest SQL ms | queries | KB | ≤100 ms | ≤2 MB | slowest SQL |",
        "|---|---|--:|--:|--:|--:|---|---|---|",
    ]
    for page in pages:
        sql = page["slowest_sql"].replace("|", "\\|") if page["slowest_sql_ms"] >= 20 else ""
        lines.append(
            f"| {page['page']} | {page['status']} | {page['ms']:.0f} | "
            f"{page['slowest_sql_ms']:.1f} | {page['queries']} | {page['bytes'] / 1024:.0f} | "
            f"{'yes' if page['meets_time'] else 'NO'} | {'yes' if page['meets_size'] else 'NO'} "
            f"| {f'`{sql}`' if sql else ''} |"
        )
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run --scale", description=__doc__.strip().split("\n\n")[0]
    )
    parser.add_argument("--scale", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--articles", type=int, default=100_000, help="published articles")
    parser.add_argument("--comments", type=int, default=2_000_000, help="comments, all statuses")
    parser.add_argument("--seed", type=float, default=0.2026, help="setseed() value, -1..1")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument(
        "--database",
        default="strategist_scale",
        help="the generated database; measuring uses a copy, <database>_measure",
    )
    parser.add_argument(
        "--keep-database", action="store_true", help="reuse the generated database; no generation"
    )
    parser.add_argument(
        "--statement-timeout",
        type=int,
        default=20,
        help="seconds a statement may run while measuring (a slower page fails, 5xx)",
    )
    parser.add_argument("--only", choices=["generate", "measure"], help="one of the two steps")
    parser.add_argument(
        "--code",
        type=Path,
        default=BASE,
        help="the checkout whose migrations make the schema for generation (default: this one)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    RESULTS.mkdir(exist_ok=True)
    report: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "articles": args.articles,
        "comments": args.comments,
        "cpu_count": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
    }
    if args.only != "measure" and not args.keep_database:
        report["generation_seconds"] = generate(args, args.code.resolve())
    if args.only == "generate":
        return
    report.update(measure(args))
    report["load_average_at_end"] = os.getloadavg()
    output = RESULTS / f"scale-{datetime.now(UTC):%Y%m%d-%H%M%S}.json"
    output.write_text(json.dumps(report, indent=2))
    print(table(report["pages"]))
    slow = [p for p in report["pages"] if not (p["meets_time"] and p["meets_size"])]
    print(f"\n{len(slow)} of {len(report['pages'])} pages miss a target.")
    print(f"\nJSON: {output}")


if __name__ == "__main__":
    main()
