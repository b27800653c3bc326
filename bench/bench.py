"""
The benchmark behind bench/run: the site as deployed, loaded with wrk.

For each mode (``shipped``: Redis cache and page cache on; ``cold``: every
cache off through CACHE_DISABLED=1) it starts gunicorn (3 gthread workers of
4 threads) with production settings (DEBUG=0, PostgreSQL database
strategist_bench on 127.0.0.1, WhiteNoise serving collected static files),
checks every page (status 200,
its title, a commenter's name), loads each with wrk for a fixed time, posts
comments through the real form (the reCAPTCHA verification answered by
bench/fake_recaptcha.py over TLS), and records requests per second, p50 and
p99 latency, SQL queries per request (X-Query-Count, added only when
QUERY_COUNT_HEADER=1), the workers' memory and how many workers gunicorn
replaced during each load (``--max-requests``). Prints one table and writes
bench/results/<timestamp>.json.

``--wxr FILE`` loads a WordPress export (manage.py import_wordpress) as the
data set instead of bench/seed.py's, and measures its most commented articles.
``--proxy`` adds two modes: ``proxy``, the shipped site behind the shipped
nginx configuration (deploy/nginx/strategist.conf, purged by the site), and
``static``, the same nginx serving saved copies of the same pages as static
files in the same run: the limit to compare with.
"""

from __future__ import annotations

import argparse
import html.parser
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
BASE = BENCH.parent
RESULTS = BENCH / "results"
PYTHON = str(BASE / ".venv" / "bin" / "python")
GUNICORN = str(BASE / ".venv" / "bin" / "gunicorn")

PAGES = ["home", "article_50", "article_200", "tag", "feed"]
# Targets from the performance issue: (as shipped, cold) requests per second.
TARGETS = {
    "home": (1300, 400),
    "article_50": (900, 300),
    "article_200": (450, 130),
    "posting": (100, None),
}


def log(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def run(command: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, env=env, cwd=BASE, check=True, **kwargs)


def psql(database_url_base: str, sql: str) -> str:
    return subprocess.run(
        ["psql", f"{database_url_base}/postgres", "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def count_comments(server: str, database: str) -> dict[str, int]:
    rows = subprocess.run(
        [
            "psql",
            f"{server}/{database}",
            "-qAtc",
            "SELECT status, count(*) FROM comments_comment GROUP BY status",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return {status: int(n) for status, n in (row.split("|") for row in rows)}


def make_certificate(directory: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    cert, key = directory / "cert.pem", directory / "key.pem"
    if not cert.exists():
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                str(key),
                "-out",
                str(cert),
                "-days",
                "30",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
            ],
            check=True,
            capture_output=True,
        )
    return cert, key


class FormParser(html.parser.HTMLParser):
    """The fields of the comment form (the form holding a textarea)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.current: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = {
                "action": attrs.get("action", ""),
                "method": attrs.get("method", "get").lower(),
                "fields": [],
            }
            self.forms.append(self.current)
        elif self.current is not None and tag in ("input", "textarea", "select"):
            self.current["fields"].append(
                {
                    "tag": tag,
                    "type": (attrs.get("type") or "text").lower(),
                    "name": attrs.get("name"),
                    "value": attrs.get("value") or "",
                }
            )

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def comment_form(page: str) -> dict:
    parser = FormParser()
    parser.feed(page)
    for form in parser.forms:
        if form["method"] == "post" and any(f["tag"] == "textarea" for f in form["fields"]):
            return form
    raise SystemExit("No comment form (a POST form with a textarea) on the article page.")


def post_body(form: dict) -> str:
    """Fill the form for one post; __N__ becomes a number unique to the request."""
    data = []
    for field in form["fields"]:
        name, kind = field["name"], field["type"]
        if not name or kind in ("submit", "button", "checkbox", "radio"):
            continue
        lowered = name.lower()
        if field["tag"] == "textarea":
            value = "Bench comment __N__: the turnout model undercounts young renters."
        elif "captcha" in lowered:
            value = "bench-token"
        elif kind == "email" or lowered == "email":
            value = "bench__N__@example.net"
        elif lowered in ("name", "author", "author_name"):
            value = "Bench Reader __N__"
        else:
            value = field["value"]  # hidden fields as served; honeypots stay empty
        data.append((name, value))
    if not any(name == "g-recaptcha-response" for name, _ in data):
        data.append(("g-recaptcha-response", "bench-token"))
    return urllib.parse.urlencode(data, safe="_")


def fetch(url: str, cookies: str = "") -> tuple[int, dict, str, list[str]]:
    headers = {"Cookie": cookies} if cookies else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http:// only
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            body = response.read().decode("utf-8", "replace")
            return (
                response.status,
                dict(response.headers),
                body,
                response.headers.get_all("Set-Cookie") or [],
            )
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8", "replace"), []


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            fetch(url)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"The server did not answer {url} within {seconds} seconds.")


def worker_pids(master: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.append(int(stat.parent.name))
    return pids


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time used so far by these processes."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


def workers_cpu_seconds(master: int) -> float:
    """
    CPU time used so far by the master's workers, those running and those
    replaced (reaped: counted in the master's cutime and cstime).
    """
    try:
        fields = Path(f"/proc/{master}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    reaped = (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")
    return reaped + cpu_seconds(worker_pids(master))


def wrk(url: str, args, script: str, *script_args: str) -> dict:
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--timeout",
        "10s",
        "-s",
        str(BENCH / script),
        url,
    ]
    if script_args:
        command += ["--", *script_args]
    finished = subprocess.run(command, check=True, capture_output=True, text=True)
    output = finished.stdout
    if finished.stderr.strip():
        log("wrk: " + finished.stderr.strip()[:2000])
    for line in output.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line.removeprefix("BENCH_JSON "))
    raise SystemExit(f"wrk printed no result:\n{output}")


def check_page(base_url: str, name: str, page: dict) -> dict:
    status, headers, body, _ = fetch(base_url + page["path"])
    missing = [text for text in page["expect"] if text not in body]
    if status != 200 or missing:
        raise SystemExit(f"{name} {page['path']}: status {status}, missing {missing}")
    # A second request shows the steady state (a cache hit when caching is on).
    status, headers, body, _ = fetch(base_url + page["path"])
    return {
        "path": page["path"],
        "queries_first": None,
        "queries_steady": int(headers.get("X-Query-Count", -1)),
        "page_cache": headers.get("X-Page-Cache", ""),
        "front_cache": headers.get("X-Cache-Status", ""),
        "bytes": len(body.encode()),
    }


def measure_posting(base_url: str, args, server: str, form_page: str, server_pid: int) -> dict:
    status, _, body, set_cookies = fetch(base_url + form_page)
    if status != 200:
        raise SystemExit(f"The article to post to answered {status}.")
    form = comment_form(body)
    cookie = "; ".join(c.split(";", 1)[0] for c in set_cookies if c.startswith("csrftoken="))
    template = RESULTS / "post-body.txt"
    # Unique across runs too: the duplicate check remembers earlier posts.
    template.write_text(post_body(form).replace("__N__", f"{time.time_ns():x}x__N__"))
    action = urllib.parse.urljoin(base_url + form_page, form["action"] or form_page)
    # The form's signed timestamp must look like a person took time to type.
    time.sleep(args.post_delay)
    before = count_comments(server, args.database)
    cpu_before = workers_cpu_seconds(server_pid)
    result = wrk(action, args, "post.lua", str(template), cookie)
    cpu_used = workers_cpu_seconds(server_pid) - cpu_before
    after = count_comments(server, args.database)
    stored = {s: after.get(s, 0) - before.get(s, 0) for s in after}
    total = sum(stored.values())
    result.update(
        {
            "stored": stored,
            "stored_total": total,
            "server_cpu_ms_per_request": round(cpu_used * 1000 / max(result["requests"], 1), 2),
            "accepted_per_s": round(total / result["duration_s"], 1),
            "approved_or_pending_per_s": round(
                (stored.get("approved", 0) + stored.get("pending", 0)) / result["duration_s"], 1
            ),
        }
    )
    return result


def start_nginx(args, static_dir: Path) -> tuple[subprocess.Popen, str, str]:
    """
    The shipped nginx configuration in front of gunicorn (args.port), plus a
    server for the static copies; returns (process, proxy URL, static URL).
    """
    sys.path.insert(0, str(BASE / "deploy" / "nginx"))
    import render

    prefix = RESULTS / "nginx"
    shutil.rmtree(prefix, ignore_errors=True)
    static_server = (
        f"server {{ listen 127.0.0.1:{args.static_port}; root {static_dir}; "
        "access_log off; location / { default_type text/html; } }"
    )
    config = render.standalone(
        prefix,
        extra_http=static_server,
        listen=f"127.0.0.1:{args.proxy_port}",
        purge_listen=f"127.0.0.1:{args.purge_port}",
        upstream=f"127.0.0.1:{args.port}",
        static_root=str(RESULTS / "static"),
        media_root=str(RESULTS / "media"),
        server_name="127.0.0.1 localhost",
    )
    # The access log of every cached request would be measured too: off.
    text = config.read_text().replace(f"access_log {prefix}/logs/access.log;", "access_log off;")
    config.write_text(text.replace("worker_processes 1;", "worker_processes auto;"))
    process = subprocess.Popen(
        ["nginx", "-p", str(prefix), "-c", str(config), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=(RESULTS / "nginx.log").open("w"),
    )
    return (
        process,
        f"http://127.0.0.1:{args.proxy_port}",
        f"http://127.0.0.1:{args.static_port}",
    )


def measure(base_url: str, page: dict, args, master: int) -> dict:
    """wrk on one page; CPU of the gunicorn workers and workers replaced meanwhile."""
    cpu_before = workers_cpu_seconds(master) if master else 0.0
    before = set(worker_pids(master)) if master else set()
    load = wrk(base_url + page["path"], args, "report.lua")
    # CPU the workers spent per request: unlike req/s, hardly affected by
    # other programs competing for the machine. Replaced workers count too.
    load["server_cpu_ms_per_request"] = (
        round((workers_cpu_seconds(master) - cpu_before) * 1000 / max(load["requests"], 1), 2)
        if master
        else None
    )
    load["workers_replaced"] = len(set(worker_pids(master)) - before) if master else None
    load["queries_per_request"] = (
        round(load["queries_total"] / load["queries_counted"], 2)
        if load["queries_counted"]
        else None
    )
    return load


def run_mode(mode: str, args, env_base: dict, pages: dict) -> list[dict]:
    env = dict(env_base)
    if mode in ("shipped", "proxy"):
        env["REDIS_URL"] = args.redis_url
        subprocess.run(
            ["redis-cli", "-u", args.redis_url, "FLUSHDB"], check=True, capture_output=True
        )
    else:
        env["CACHE_DISABLED"] = "1"
    base_url = f"http://127.0.0.1:{args.port}"
    nginx = None
    if mode == "proxy":
        env["FRONT_CACHE_NGINX_URL"] = f"http://127.0.0.1:{args.purge_port}"
        env["SITE_URL"] = f"http://127.0.0.1:{args.proxy_port}"
        static_dir = RESULTS / "static-copies"
        shutil.rmtree(static_dir, ignore_errors=True)
        static_dir.mkdir(parents=True)
        nginx, base_url, static_url = start_nginx(args, static_dir)
    recycling = []
    if args.max_requests:
        recycling = ["--max-requests", str(args.max_requests)]
        recycling += ["--max-requests-jitter", str(args.max_requests_jitter)]
    server_log = (RESULTS / f"server-{mode}.log").open("w")
    server = subprocess.Popen(
        [
            GUNICORN,
            "strategist.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            args.worker_class,
            "--threads",
            str(args.gunicorn_threads),
            "--log-level",
            "warning",
            *recycling,
        ],
        env=env,
        cwd=BASE,
        stdout=server_log,
        stderr=subprocess.STDOUT,
    )
    results: dict = {"mode": mode, "pages": {}, "server_log": str(server_log.name)}
    extra: list[dict] = []
    try:
        wait_for(f"http://127.0.0.1:{args.port}/robots.txt")
        wait_for(base_url + "/robots.txt")
        for name in PAGES:
            results["pages"][name] = check_page(base_url, name, pages[name])
        log(f"{mode}: pages checked")
        for name in PAGES:
            load = measure(base_url, pages[name], args, server.pid)
            if results["pages"][name]["front_cache"] == "HIT":
                # X-Query-Count is the one stored with the page by nginx.
                load["queries_per_request"] = None
            results["pages"][name].update(load)
            log(f"{mode}: {name} {load['rps']} req/s, {load['workers_replaced']} workers replaced")
        results["worker_rss_mb"] = [round(rss_mb(pid), 1) for pid in worker_pids(server.pid)]
        if mode == "proxy":
            extra.append(measure_static(base_url, static_url, static_dir, args, pages))
        if not args.skip_posting and mode != "proxy":
            results["posting"] = measure_posting(
                base_url, args, args.server, pages["post_to"], server.pid
            )
            log(f"{mode}: posting {results['posting']['accepted_per_s']} accepted/s")
        results["worker_rss_mb_after"] = [round(rss_mb(pid), 1) for pid in worker_pids(server.pid)]
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        server_log.close()
        if nginx is not None:
            nginx.terminate()
            nginx.wait(timeout=30)
    return [results, *extra]


def measure_static(proxy_url: str, static_url: str, directory: Path, args, pages: dict) -> dict:
    """The same nginx serving a saved copy of each page as a file: the machine's limit."""
    results: dict = {"mode": "static", "pages": {}}
    for name in PAGES:
        status, _, body, _ = fetch(proxy_url + pages[name]["path"])
        file_name = f"{name}.html"
        (directory / file_name).write_text(body)
        copy = {"path": f"/{file_name}", "expect": pages[name]["expect"]}
        results["pages"][name] = check_page(static_url, name, copy)
        results["pages"][name].update(measure(static_url, copy, args, 0))
        log(f"static: {name} {results['pages'][name]['rps']} req/s")
    return results


def prepare(args) -> tuple[dict, dict]:
    RESULTS.mkdir(exist_ok=True)
    cert, key = make_certificate(RESULTS / "tls")
    database_url = f"{args.server}/{args.database}"
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "bench-secret-key-not-for-production-0123456789-abcdefghijklmnop",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(RESULTS / "static"),
        "QUERY_COUNT_HEADER": "1",
        "RECAPTCHA_DOMAIN": f"127.0.0.1:{args.recaptcha_port}",
        "RECAPTCHA_PUBLIC_KEY": "bench-public-key",
        "RECAPTCHA_PRIVATE_KEY": "bench-private-key",
        "SSL_CERT_FILE": str(cert),
        "CACHE_KEY_PREFIX": "bench",
        # wrk stands in for many readers behind one load balancer: each post
        # carries its own address in X-Forwarded-For, so the per-IP flood
        # limit (one comment per 15 s) stays on and is not what is measured.
        "TRUSTED_PROXY_COUNT": "1",
        "LOG_LEVEL": "ERROR",
    }
    for name in ("REDIS_URL", "CACHE_DISABLED", "PAGE_CACHE_ENABLED", "DATABASE_REPLICA_URL"):
        env.pop(name, None)
    if not args.keep_database:
        log(f"recreating database {args.database}")
        psql(args.server, f'DROP DATABASE IF EXISTS "{args.database}"')
        psql(args.server, f'CREATE DATABASE "{args.database}"')
        # System checks are the test suite's job, not the benchmark's.
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v0", "--skip-checks"], env)
        if args.wxr:
            log(f"importing {args.wxr}")
            run(
                [PYTHON, "manage.py", "import_wordpress", str(args.wxr.resolve()), "-v0"]
                + ["--skip-checks"],
                env,
            )
            seed = [PYTHON, "bench/seed.py", "--from-database"]
        else:
            seed = [PYTHON, "bench/seed.py"]
        pages = json.loads(run(seed, env, capture_output=True, text=True).stdout.splitlines()[-1])
        (RESULTS / "pages.json").write_text(json.dumps(pages))
    else:
        pages = json.loads((RESULTS / "pages.json").read_text())
    if "post_to" not in pages:
        # Comments are posted to an article of their own, so they change no page measured.
        pages["post_to"] = subprocess.run(
            [
                PYTHON,
                "-c",
                "import os,sys;sys.path.insert(0,'.');"
                "os.environ.setdefault('DJANGO_SETTINGS_MODULE','strategist.settings');"
                "import django;django.setup();from posts.models import Article;"
                "print(Article.objects.get(slug='essay-5').get_absolute_url())",
            ],
            env=env,
            cwd=BASE,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    log("collecting static files")
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    return env, pages


def table(report: dict) -> str:
    lines = [
        f"{'page':<13} {'mode':<8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'SQL/req':>8} {'CPU ms':>7} {'target':>7} {'met':>4} {'recycled':>8}"
    ]
    static = next((m for m in report["modes"] if m["mode"] == "static"), None)
    for mode_result in report["modes"]:
        mode = mode_result["mode"]
        for name in PAGES:
            page = mode_result["pages"][name]
            if mode == "proxy" and static:
                # Behind the proxy: at least half the static file's rate.
                target = round(static["pages"][name]["rps"] / 2)
            elif mode in ("shipped", "cold"):
                target = TARGETS.get(name, (None, None))[0 if mode == "shipped" else 1]
            else:
                target = None
            met = "" if target is None else ("yes" if page["rps"] >= target else "NO")
            queries = page.get("queries_per_request")
            cpu = page.get("server_cpu_ms_per_request")
            replaced = page.get("workers_replaced")
            lines.append(
                f"{name:<13} {mode:<8} {page['rps']:>8.0f} {page['p50_ms']:>8.1f} "
                f"{page['p99_ms']:>8.1f} {'' if queries is None else queries:>8} "
                f"{'' if cpu is None else cpu:>7} {target or '':>7} {met:>4} "
                f"{'' if replaced is None else replaced:>8}"
            )
        posting = mode_result.get("posting")
        if posting:
            target = TARGETS["posting"][0 if mode == "shipped" else 1]
            met = "" if target is None else ("yes" if posting["accepted_per_s"] >= target else "NO")
            lines.append(
                f"{'posting':<13} {mode:<8} {posting['accepted_per_s']:>8.0f} "
                f"{posting['p50_ms']:>8.1f} {posting['p99_ms']:>8.1f} {'':>8} "
                f"{posting.get('server_cpu_ms_per_request', ''):>7} "
                f"{target or '':>7} {met:>4}   stored {posting['stored']}"
            )
        rss = mode_result.get("worker_rss_mb_after") or mode_result.get("worker_rss_mb")
        if rss:
            lines.append(
                f"{'':<13} {mode:<8} worker RSS MB: {', '.join(map(str, rss))} (max {max(rss):.0f})"
            )
    return "\n".join(lines)


def main() -> None:
    if "--scale" in sys.argv[1:]:
        # The scale benchmark: bench/scale.py (see its --help).
        sys.path.insert(0, str(BENCH))
        import scale

        scale.main(sys.argv[1:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument(
        "--worker-class", default="gthread", help="gunicorn worker class: gthread or sync"
    )
    parser.add_argument(
        "--gunicorn-threads", type=int, default=4, help="threads per worker (gthread)"
    )
    parser.add_argument("--port", type=int, default=8160)
    parser.add_argument("--recaptcha-port", type=int, default=8171)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="strategist_bench")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--modes", default="shipped,cold")
    parser.add_argument("--skip-posting", action="store_true")
    parser.add_argument(
        "--wxr", type=Path, help="load this WordPress export as the data set (import_wordpress)"
    )
    parser.add_argument(
        "--proxy",
        action="store_true",
        help="also run behind the shipped nginx configuration, and nginx serving static copies",
    )
    parser.add_argument("--proxy-port", type=int, default=8180)
    parser.add_argument("--purge-port", type=int, default=8181)
    parser.add_argument("--static-port", type=int, default=8182)
    parser.add_argument(
        "--max-requests", type=int, default=0, help="gunicorn --max-requests (0: never recycle)"
    )
    parser.add_argument("--max-requests-jitter", type=int, default=0)
    parser.add_argument("--post-delay", type=float, default=4.0)
    parser.add_argument(
        "--keep-database", action="store_true", help="reuse the data set of the last run"
    )
    parser.add_argument(
        "--scale",
        action="store_true",
        help="run the scale benchmark instead: bench/scale.py (bench/run --scale --help)",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    module = Path("/usr/lib/nginx/modules/ngx_http_cache_purge_module.so")
    if args.proxy and not (shutil.which("nginx") and module.exists()):
        raise SystemExit(
            "--proxy needs nginx: apt-get install -y nginx libnginx-mod-http-cache-purge"
        )

    env, pages = prepare(args)
    cert, key = make_certificate(RESULTS / "tls")
    fake = subprocess.Popen(
        [PYTHON, str(BENCH / "fake_recaptcha.py"), str(args.recaptcha_port), str(cert), str(key)]
    )
    report = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": {
            key: getattr(args, key)
            for key in (
                "duration",
                "threads",
                "connections",
                "workers",
                "worker_class",
                "gunicorn_threads",
                "max_requests",
                "max_requests_jitter",
            )
        },
        "data_set": str(args.wxr) if args.wxr else "bench/seed.py",
        "cpu_count": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
        "modes": [],
    }
    modes = args.modes.split(",")
    if args.proxy and "proxy" not in modes:
        modes.append("proxy")
    try:
        for mode in modes:
            report["modes"].extend(run_mode(mode, args, env, pages))
    finally:
        fake.terminate()
        fake.wait(timeout=10)
    report["load_average_at_end"] = os.getloadavg()
    output = RESULTS / f"{datetime.now():%Y%m%d-%H%M%S}.json"
    output.write_text(json.dumps(report, indent=2))
    print(table(report))
    print(
        "\nCPU ms = CPU time the gunicorn workers used per request; load average "
        f"{report['load_average_at_start'][0]:.1f} at start, "
        f"{report['load_average_at_end'][0]:.1f} at end (other programs share the machine)."
    )
    print(f"\nJSON: {output.relative_to(BASE)}")


if __name__ == "__main__":
    main()
