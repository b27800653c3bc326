"""
Real servers for the attack tests: gunicorn running the site against the test
database, and a local HTTPS stand-in for Google's reCAPTCHA verification.

django-recaptcha asks ``https://<RECAPTCHA_DOMAIN>/recaptcha/api/siteverify``;
the servers get RECAPTCHA_DOMAIN=127.0.0.1:<port> of ``FakeRecaptcha`` and
trust its self-signed certificate through SSL_CERT_FILE, so the whole HTTP path
of the check runs for real.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import socket
import ssl
import string
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode

from django.conf import settings
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
# An access-log line (gunicorn's default format) of a request answered below 500.
ANSWERED = re.compile(r'^\S+ - \S+ \[[^]]+\] "[^"]*" [1-4]\d\d ')
CSRF_TOKEN = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def closed_port() -> int:
    """A port nothing listens on (bound, then released)."""
    return free_port()


def database_url() -> str:
    """The URL of the database the test runs against (pytest-django's test database)."""
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


NEEDS_POSTGRESQL = (
    "needs PostgreSQL: the servers run in other processes and must open the test "
    "database, which on SQLite lives in this process's memory"
)


def is_postgresql() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def require_postgresql():
    import pytest

    if connection.vendor != "postgresql":
        pytest.skip(NEEDS_POSTGRESQL)


def require_redis(url: str):
    import pytest
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {url} is not reachable ({exc}); .ci/run starts it")


def make_certificate(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    if not cert.exists():
        subprocess.run(  # noqa: S603
            [
                shutil.which("openssl") or "openssl",
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", str(key), "-out", str(cert),
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
    return cert, key


class FakeRecaptcha:
    """
    Google's siteverify on https://127.0.0.1:<port>: answers every token with
    ``answer`` (success, score 0.9, action "comment") and counts the requests.
    """

    def __init__(self, directory: Path):
        self.cert, key = make_certificate(directory)
        self.answer = {"success": True, "score": 0.9, "action": "comment"}
        self.requests: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                params = parse_qs(self.rfile.read(length).decode())
                fake.requests.append({k: v[0] for k, v in params.items()})
                body = json.dumps(fake.answer).encode()
                self.send_response(200 if self.path == "/recaptcha/api/siteverify" else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.domain = f"127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def collect_static(directory: Path) -> Path:
    """collectstatic once into ``directory``, as a production deployment does."""
    root = directory / "static"
    if not (root / "staticfiles.json").exists():
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=BASE_DIR,
            env={**server_environment(), "STATIC_ROOT": str(root)},
            check=True,
            capture_output=True,
            timeout=300,
        )
    return root


def server_environment(**overrides: str) -> dict[str, str]:
    """
    Production settings (DEBUG off) over plain HTTP on 127.0.0.1; the cache is
    Redis when REDIS_URL is given, else the process's memory.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE", "REDIS", "PYTEST", "CACHE"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="strategist.settings",
        DEBUG="0",
        SECRET_KEY=settings.SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="ERROR",
        PYTHONPATH=str(BASE_DIR),
    )
    env.update(overrides)
    if "REDIS_URL" not in env:
        # Each server process's own memory, as in the test process: the test
        # database has no table for the database cache (tests/conftest.py).
        env.setdefault("CACHE_BACKEND", "locmem")
    return env


class Gunicorn:
    """One gunicorn serving the site on 127.0.0.1:<port> (a port picked free)."""

    def __init__(self, env: dict[str, str], *, workers: int = 2, threads: int = 4, log: Path):
        self.port = free_port()
        self.log_path = log
        self.log = open(log, "wb")  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603
            [
                str(GUNICORN), "strategist.wsgi:application",
                "--bind", f"127.0.0.1:{self.port}",
                "--workers", str(workers), "--threads", str(threads),
                "--timeout", "60", "--graceful-timeout", "5",
                "--access-logfile", "-",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        self._wait_until_up()

    def _wait_until_up(self, timeout: float = 60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.output()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not start:\n{self.output()}")

    def output(self, limit: int = 20000) -> str:
        """
        The server's log without the access lines of answered requests (status
        below 500), so tracebacks and server errors are what is left to read.
        """
        if not self.log.closed:
            self.log.flush()
        lines = self.log_path.read_text(errors="replace").splitlines()
        kept = [line for line in lines if not ANSWERED.match(line)]
        return "\n".join(kept)[-limit:]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def client(self, ip: str | None = None) -> HttpClient:
        return HttpClient(self.port, ip=ip)


class Response:
    def __init__(self, status: int, headers: dict[str, str], body: bytes, cookies: dict):
        self.status = status
        self.headers = headers
        self.body = body
        self.text = body.decode("utf-8", "replace")
        self.cookies = cookies


class HttpClient:
    """
    A tiny browser-like client: keeps cookies, does not follow redirects, sends
    the CSRF cookie and token a page would have given it, and, when ``ip`` is
    set, an X-Forwarded-For header as a proxy in front of the site would.
    """

    def __init__(self, port: int, ip: str | None = None):
        self.port = port
        self.ip = ip
        self.cookies: dict[str, str] = {"csrftoken": CSRF_TOKEN}

    def request(self, method, path, body=None, headers=None, timeout=60) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = dict(headers or {})
        headers.setdefault("User-Agent", "security-tests/1.0")
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.ip:
            headers["X-Forwarded-For"] = self.ip
        try:
            conn.request(method, path, body=body, headers=headers)
            raw = conn.getresponse()
            data = raw.read()
            for name, value in raw.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    cookie_value = rest.split(";", 1)[0]
                    if cookie_value in ('""', ""):
                        self.cookies.pop(key, None)
                    else:
                        self.cookies[key] = cookie_value
            headers_out = {name.lower(): value for name, value in raw.getheaders()}
            return Response(raw.status, headers_out, data, dict(self.cookies))
        finally:
            conn.close()

    def get(self, path, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path, data: dict | list, **kwargs) -> Response:
        fields = list(data.items()) if isinstance(data, dict) else list(data)
        if not any(name == "csrfmiddlewaretoken" for name, _ in fields):
            # The cookie holds the unmasked secret, which Django accepts as the token.
            fields.append(("csrfmiddlewaretoken", self.cookies.get("csrftoken", CSRF_TOKEN)))
        headers = {"Content-Type": "application/x-www-form-urlencoded", **kwargs.pop("headers", {})}
        return self.request(
            "POST", path, body=urlencode(fields, doseq=True).encode(), headers=headers, **kwargs
        )

    def admin_login(self, username: str, password: str) -> Response:
        return self.post(
            "/admin/login/?next=/admin/",
            {"username": username, "password": password, "next": "/admin/"},
        )
