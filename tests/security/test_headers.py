"""Security headers on every kind of response, and `check --deploy` in production."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from security.middleware import CSPMiddleware
from tests.factories import ArticleFactory, UserFactory

BASE_DIR = Path(__file__).resolve().parents[2]


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_hardened(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    policy = directives(response["Content-Security-Policy"])
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"]
    return policy


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/admin/login/", "/no-such-page/"])
def test_public_pages_carry_the_headers(client, path):
    response = client.get(path)
    assert response.status_code in (200, 404)
    assert_hardened(response)


@pytest.mark.django_db
def test_article_page_policy_allows_only_self_and_recaptcha(client):
    article = ArticleFactory()
    policy = assert_hardened(client.get(article.get_absolute_url()))
    allowed_hosts = {"www.google.com", "www.gstatic.com", "recaptcha.google.com"}
    for name, values in policy.items():
        for value in values:
            if value.startswith("http"):
                assert re.match(r"https://([^/]+)/recaptcha/$", value), (name, value)
                assert value.split("/")[2] in allowed_hosts, (name, value)
    assert set(policy["frame-src"]) == {
        "https://www.google.com/recaptcha/",
        "https://recaptcha.google.com/recaptcha/",
    }
    assert set(policy["script-src"]) >= {
        "'self'",
        "https://www.google.com/recaptcha/",
        "https://www.gstatic.com/recaptcha/",
    }


def content_security_policy(**env: str) -> str:
    """
    The policy django-csp sends (``csp.utils.build_policy``, as its middleware
    calls it) with the settings read in a fresh interpreter from ``env``.
    """
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"STATIC_URL", "MEDIA_URL", "RECAPTCHA_DOMAIN"}
    }
    environment.update(DJANGO_SETTINGS_MODULE="strategist.settings", **env)
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from csp.utils import build_policy; "
            "print(build_policy())",
        ],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_policy_follows_media_and_static_domains():
    policy = directives(
        content_security_policy(
            MEDIA_URL="https://media.example.org/uploads/",
            STATIC_URL="https://static.example.org/s/",
        )
    )
    assert "https://media.example.org" in policy["img-src"]
    assert "https://static.example.org" in policy["script-src"]
    assert "https://static.example.org" in policy["style-src"]
    assert "https://media.example.org" not in policy["script-src"]


def test_policy_follows_the_recaptcha_domain():
    policy = directives(content_security_policy(RECAPTCHA_DOMAIN="www.recaptcha.net"))
    assert "https://www.recaptcha.net/recaptcha/" in policy["script-src"]
    assert policy["frame-src"] == ["https://www.recaptcha.net/recaptcha/"]


def _run_middleware(view):
    request = RequestFactory().get("/")
    response = CSPMiddleware(view)(request)
    return request, response


def test_nonce_is_in_the_policy_only_when_a_template_used_it():
    _, response = _run_middleware(lambda request: HttpResponse("no inline script"))
    assert "nonce-" not in response["Content-Security-Policy"]

    def view(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}">1</script>')

    request, response = _run_middleware(view)
    nonce = str(request.csp_nonce)
    assert len(nonce) >= 22
    assert f"'nonce-{nonce}'" in directives(response["Content-Security-Policy"])["script-src"]
    assert f'nonce="{nonce}"' in response.content.decode()
    # A fresh request gets a different nonce.
    other, _ = _run_middleware(view)
    assert str(other.csp_nonce) != nonce


def test_the_site_wide_policy_is_django_csp_s_own_and_follows_the_settings(settings):
    def plain(request):
        return HttpResponse("no inline script")

    for _ in range(2):  # built once, then reused
        ours = CSPMiddleware(plain)(RequestFactory().get("/"))["Content-Security-Policy"]
        library = LibraryCSPMiddleware(plain)(RequestFactory().get("/"))
        assert directives(ours) == directives(library["Content-Security-Policy"])
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    ours = CSPMiddleware(plain)(RequestFactory().get("/"))["Content-Security-Policy"]
    assert ours == "default-src 'none'"


@pytest.mark.django_db
def test_uploaded_media_is_served_nosniff_and_sandboxed(client, settings):
    if not settings.SERVE_MEDIA:
        pytest.skip("SERVE_MEDIA is off: the web server or CDN serves media and sets headers")
    # Served from this test's own MEDIA_ROOT (tests/conftest.py), read per request.
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    (root / "probe.html").write_text("<script>alert(1)</script>")
    response = client.get(settings.MEDIA_URL + "probe.html")
    assert response.status_code == 200
    policy = assert_hardened(response)
    assert "sandbox" in policy


@pytest.mark.django_db
def test_admin_pages_carry_the_headers(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for path in ("/admin/", "/admin/posts/article/add/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_hardened(response)


# DJANGO_ALLOW_ASYNC_UNSAFE is the test process's own (set while Playwright's
# browser is open, tests/playwright_fixtures.py); a production server never has it.
LOCAL_ONLY = ("DEBUG", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
RECAPTCHA_KEYS = ("RECAPTCHA_PUBLIC_KEY", "RECAPTCHA_PRIVATE_KEY")


def _deploy_env(**extra):
    """
    A production environment, with the site's own reCAPTCHA keys; a variable
    given as None is left unset (its setting then takes its default).
    """
    env = {k: v for k, v in os.environ.items() if k not in LOCAL_ONLY + RECAPTCHA_KEYS}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="example.org",
        PYTHONPATH=str(BASE_DIR),
        RECAPTCHA_PUBLIC_KEY="6Lc-the-site-s-own-public-key",
        RECAPTCHA_PRIVATE_KEY="6Lc-the-site-s-own-private-key",
    )
    env.update(extra)
    return {k: v for k, v in env.items() if v is not None}


def _check(*args, env):
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production():
    result = _check("--deploy", "--fail-level", "WARNING", env=_deploy_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout


@pytest.mark.parametrize(
    "unset",
    [RECAPTCHA_KEYS, ("RECAPTCHA_PUBLIC_KEY",), ("RECAPTCHA_PRIVATE_KEY",)],
    ids=["both", "public", "private"],
)
def test_check_deploy_refuses_google_s_test_keys_in_production(unset):
    result = _check("--deploy", env=_deploy_env(**dict.fromkeys(unset)))
    assert result.returncode != 0, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert "django_recaptcha.recaptcha_test_key_error" in output, output
    assert "RECAPTCHA_PUBLIC_KEY" in output and "RECAPTCHA_PRIVATE_KEY" in output, output
    assert "test keys" in output, output


def test_test_keys_are_the_quiet_development_default():
    env = _deploy_env(
        DEBUG="1", SECRET_KEY=None, ALLOWED_HOSTS=None, **dict.fromkeys(RECAPTCHA_KEYS)
    )
    result = _check("--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout


def test_production_settings_use_https_everywhere():
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_HTTPONLY)"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=BASE_DIR,
        env=_deploy_env(DJANGO_SETTINGS_MODULE="strategist.settings"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    hsts, session_secure, csrf_secure, redirect, httponly = result.stdout.split()
    assert int(hsts) >= 31_536_000
    assert session_secure == csrf_secure == redirect == httponly == "True"
