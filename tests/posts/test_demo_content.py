"""manage.py load_demo: a believable site from nothing, and nothing changed the second time."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from posts.models import Article, Author, Outlet, Quotation, SiteSettings, Tag

pytestmark = pytest.mark.django_db


def load_demo(*args):
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def snapshot():
    return {
        "articles": list(
            Article.objects.order_by("pk").values_list(
                "pk", "slug", "updated", "body_html", "featured_image", "image_renditions"
            )
        ),
        "authors": list(Author.objects.order_by("pk").values_list("pk", "name", "bio")),
        "tags": list(Tag.objects.order_by("pk").values_list("pk", "slug")),
        "outlets": list(Outlet.objects.order_by("pk").values_list("pk", "slug", "home_url")),
        "quotations": list(Quotation.objects.order_by("pk").values_list("pk", "text", "order")),
        "site": list(SiteSettings.objects.values_list("name", "tagline", "place_line")),
        "users": list(get_user_model().objects.values_list("pk", "username", "password")),
    }


def test_fills_a_fresh_site(client, settings):
    output = load_demo()
    assert SiteSettings.load().name == "The Democratic Strategist"
    assert SiteSettings.load().tagline == "Political Strategy for a Permanent Democratic Majority"
    assert SiteSettings.load().place_line == "washington, dc"
    assert Article.objects.published().count() == 12
    assert Outlet.objects.count() >= 4
    assert Quotation.objects.values("outlet").distinct().count() >= 4
    assert Tag.objects.count() >= 5 and Author.objects.count() >= 3
    with_image = Article.objects.exclude(featured_image="")
    assert with_image.count() == 1
    assert set(with_image.get().image_renditions) == {"original", "1200", "800", "400"}
    assert with_image.get().featured_image_alt

    # The admin login is printed, and it works.
    match = re.search(r"username: (\S+)\n\s+password: (\S+)", output)
    assert match, output
    username, password = match.groups()
    user = get_user_model().objects.get(username=username)
    assert user.is_superuser and user.check_password(password)

    # Every article page renders with its quotations.
    for article in Article.objects.all():
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        assert "[quote" not in response.content.decode()
    assert client.get("/").status_code == 200


def test_running_twice_changes_nothing():
    first_output = load_demo()
    before = snapshot()
    second_output = load_demo()
    assert snapshot() == before
    assert "password:" in first_output
    assert "password:" not in second_output
    assert "nothing changed" in second_output


def test_keeps_an_editor_s_changes():
    load_demo()
    site = SiteSettings.load()
    site.name = "Renamed"
    site.save()
    article = Article.objects.first()
    article.title = "Edited title"
    article.save()
    load_demo()
    assert SiteSettings.load().name == "Renamed"
    article.refresh_from_db()
    assert article.title == "Edited title"


def test_reset_admin_password():
    load_demo()
    output = load_demo("--reset-admin-password")
    password = re.search(r"password: (\S+)", output).group(1)
    assert get_user_model().objects.get(username="admin").check_password(password)


def test_admin_login_is_printed_with_the_site_s_address(settings):
    """bin/run 8001 passes --site-url; without it the SITE_URL setting is used."""
    settings.SITE_URL = "http://127.0.0.1:8000"
    output = load_demo("--site-url", "http://127.0.0.1:8001")
    assert "  http://127.0.0.1:8001/admin/\n" in output
    assert ":8000" not in output
    output = load_demo("--site-url", "http://127.0.0.1:8001/")
    assert "Admin: http://127.0.0.1:8001/admin/ as 'admin'" in output
    assert "http://127.0.0.1:8000/admin/" in load_demo("--reset-admin-password")
