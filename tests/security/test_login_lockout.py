"""Admin login lockout (django-axes): per client IP and per username."""

import pytest
from axes.models import AccessAttempt
from django.test import Client

from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"
LOCKED = "too many login attempts"


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", is_staff=True, is_superuser=True)


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.AXES_FAILURE_LIMIT = 3


def login(username, password, ip="198.51.100.7", **extra):
    client = Client(REMOTE_ADDR=ip, **extra)
    response = client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}
    )
    return client, response


def logged_in(client):
    return client.get("/admin/").status_code == 200


def test_correct_password_logs_in(editor):
    client, response = login("editor", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_failures_below_the_limit_do_not_lock(editor):
    for _ in range(2):
        _, response = login("editor", "wrong")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    client, response = login("editor", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)
    # The successful login cleared the earlier failures.
    assert not AccessAttempt.objects.filter(username="editor").exists()


def test_username_is_locked_out_from_every_ip(editor):
    for n in range(3):
        login("editor", "wrong", ip=f"203.0.113.{n + 1}")
    client, response = login("editor", PASSWORD, ip="192.0.2.200")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert not logged_in(client)


def test_ip_is_locked_out_for_every_username(editor):
    for n in range(3):
        login(f"guess{n}", "wrong", ip="203.0.113.50")
    client, response = login("editor", PASSWORD, ip="203.0.113.50")
    assert response.status_code == 429
    assert not logged_in(client)
    # Another address may still log in with the right password... unless the
    # username itself is locked, which it is not (one failure for it at most).
    client, response = login("editor", PASSWORD, ip="203.0.113.51")
    assert response.status_code == 302
    assert logged_in(client)


def test_lockout_ends_after_the_cool_off(editor, settings):
    from datetime import timedelta

    from django.utils import timezone

    for _ in range(3):
        login("editor", "wrong")
    assert login("editor", PASSWORD)[1].status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(hours=2))
    client, response = login("editor", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_client_ip_behind_a_trusted_proxy(editor, settings):
    """Behind one proxy the lockout follows the forwarded address, not the proxy's."""
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(3):
        # A forged left-hand entry changes nothing: the proxy's entry counts.
        login(
            f"guess{n}",
            "wrong",
            ip="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"1.1.1.{n}, 203.0.113.77",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.77"}
    _, response = login("editor", PASSWORD, ip="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.77")
    assert response.status_code == 429
    # Other readers behind the same proxy are not locked out.
    client, response = login("editor", PASSWORD, ip="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.78")
    assert response.status_code == 302


def test_test_client_login_and_force_login_still_work(editor, client):
    """Other test modules log in with Client.login/force_login; the lockout backend allows it."""
    assert client.login(username="editor", password=PASSWORD)
    assert logged_in(client)
    other = Client()
    assert not other.login(username="editor", password="wrong")
    other.force_login(editor)
    assert logged_in(other)
