"""Security headers on every kind of response, and `check --deploy` in production."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from security.middleware import SecurityHeadersMiddleware, content_security_policy
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


def test_policy_follows_media_and_static_domains(settings):
    settings.MEDIA_URL = "https://media.example.org/uploads/"
    settings.STATIC_URL = "https://static.example.org/s/"
    policy = directives(content_security_policy())
    assert "https://media.example.org" in policy["img-src"]
    assert "https://static.example.org" in policy["script-src"]
    assert "https://static.example.org" in policy["style-src"]
    assert "https://media.example.org" not in policy["script-src"]


def test_policy_follows_the_recaptcha_domain(settings):
    settings.RECAPTCHA_DOMAIN = "www.recaptcha.net"
    policy = directives(content_security_policy())
    assert "https://www.recaptcha.net/recaptcha/" in policy["script-src"]
    assert policy["frame-src"] == ["https://www.recaptcha.net/recaptcha/"]


def _run_middleware(view):
    request = RequestFactory().get("/")
    response = SecurityHeadersMiddleware(view)(request)
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


def _deploy_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in LOCAL_ONLY}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="example.org",
        PYTHONPATH=str(BASE_DIR),
    )
    env.update(extra)
    return env


def test_check_deploy_is_clean_in_production():
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=_deploy_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
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
