"""
Commenters' personal data: never in public output; export, erasure and
retention, by function, command and admin action.
"""

import hashlib
import json
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.utils import timezone

from comments.models import Comment, HoldReason, SentEmail, Subscriber, Subscription
from comments.privacy import (
    erase_personal_data,
    export_personal_data,
    purge_expired_network_data,
)
from tests.comment_helpers import comment_data
from tests.comments.conftest import CANARY
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "Jane.Reader@Example.COM"


@pytest.fixture
def janes_comments():
    article = ArticleFactory(title="Turnout in the suburbs")
    first = CommentFactory(
        article=article,
        author_name="Jane Reader",
        author_email=EMAIL,
        author_url="https://jane.example.com/",
        body="The suburbs decide it.",
        ip_address="203.0.113.5",
        user_agent="Mozilla/5.0 (Jane's laptop)",
        cookie_consent=True,
        captcha_score=0.9,
    )
    held = CommentFactory(
        article=ArticleFactory(title="Rural outreach"),
        author_name="Jane R.",
        author_email="jane.reader@example.com",
        body="Second thoughts.",
        status=Comment.Status.PENDING,
        ip_address="2001:db8::5",
        user_agent="Mozilla/5.0 (Jane's phone)",
    )
    HoldReason.objects.create(
        comment=held, code=HoldReason.Code.HOLD_WORD, detail="matched jane.reader@example.com"
    )
    other = CommentFactory(
        article=article,
        author_name="Someone Else",
        author_email="someone@example.org",
        ip_address="198.51.100.1",
        user_agent="Other browser",
    )
    return first, held, other


def test_export_contains_everything_held(janes_comments):
    first, held, other = janes_comments
    data = export_personal_data("  jane.reader@example.com ")
    json.dumps(data)  # serialisable as is
    assert data["email"] == "jane.reader@example.com"
    assert [c["id"] for c in data["comments"]] == [first.pk, held.pk]
    record = data["comments"][0]
    assert record["article"]["title"] == "Turnout in the suburbs"
    assert record["article"]["url"].endswith(first.article.get_absolute_url())
    assert record["text"] == "The suburbs decide it."
    assert record["name"] == "Jane Reader"
    assert record["email"] == EMAIL
    assert record["website"] == "https://jane.example.com/"
    assert record["ip_address"] == "203.0.113.5"
    assert record["user_agent"] == "Mozilla/5.0 (Jane's laptop)"
    assert record["cookie_consent"] is True
    assert record["captcha_score"] == 0.9
    assert record["status"] == "approved"
    assert record["submitted"] == first.submitted.isoformat()
    second = data["comments"][1]
    assert second["status"] == "pending"
    assert second["ip_address"] == "2001:db8::5"
    assert second["cookie_consent"] is False
    assert second["hold_reasons"] == ["Hold word: matched jane.reader@example.com"]
    assert "someone@example.org" not in json.dumps(data)


def test_export_of_an_unknown_address_is_empty(janes_comments):
    assert export_personal_data("nobody@example.com")["comments"] == []
    assert export_personal_data("")["comments"] == []


@pytest.fixture
def janes_subscriptions(janes_comments):
    """Jane confirmed reply notifications for her first comment; someone else too."""
    first, held, other = janes_comments
    jane = Subscriber.objects.create(email="jane.reader@example.com", confirmed_at=timezone.now())
    Subscription.objects.create(subscriber=jane, comment=first)
    Subscription.objects.create(subscriber=jane, comment=held)
    SentEmail.objects.create(
        key="approved:1", kind=SentEmail.Kind.APPROVED, subscriber=jane, sent_at=timezone.now()
    )
    someone = Subscriber.objects.create(email="someone@example.org", confirmed_at=timezone.now())
    Subscription.objects.create(subscriber=someone, comment=other)
    return jane, someone


def test_export_includes_reply_notifications(janes_comments, janes_subscriptions):
    first, held, other = janes_comments
    jane, someone = janes_subscriptions
    data = export_personal_data(EMAIL)
    json.dumps(data)
    notifications = data["reply_notifications"]
    assert notifications["confirmed_at"] == jane.confirmed_at.isoformat()
    assert notifications["stopped_all_at"] is None
    assert sorted(item["comment"] for item in notifications["subscribed_comments"]) == [
        first.pk,
        held.pk,
    ]
    assert notifications["emails_sent"] == 1
    assert export_personal_data("nobody@example.com")["reply_notifications"] is None


def test_erase_ends_the_addresss_subscriptions(janes_comments, janes_subscriptions):
    jane, someone = janes_subscriptions
    erase_personal_data(EMAIL)
    assert not Subscriber.objects.filter(pk=jane.pk).exists()
    assert not Subscription.objects.filter(subscriber_id=jane.pk).exists()
    assert not SentEmail.objects.filter(subscriber_id=jane.pk).exists()
    assert Subscription.objects.filter(subscriber=someone).count() == 1
    assert "jane" not in json.dumps(export_personal_data(EMAIL)).lower().replace(
        '"email": "jane.reader@example.com"', ""
    )


def test_erase_anonymises_and_keeps_the_text(janes_comments):
    first, held, other = janes_comments
    assert erase_personal_data("JANE.READER@example.com") == 2
    for comment in (first, held):
        comment.refresh_from_db()
        assert comment.author_name == "Anonymous"
        assert comment.author_email == ""
        assert comment.author_url == ""
        assert comment.ip_address is None
        assert comment.user_agent == ""
        assert comment.cookie_consent is False
    first.refresh_from_db()
    assert first.body == "The suburbs decide it."
    assert "The suburbs decide it." in first.body_html
    assert first.status == Comment.Status.APPROVED
    assert HoldReason.objects.get(comment=held).detail == ""
    assert HoldReason.objects.get(comment=held).code == HoldReason.Code.HOLD_WORD
    other.refresh_from_db()
    assert other.author_email == "someone@example.org"
    assert other.ip_address == "198.51.100.1"
    assert export_personal_data(EMAIL)["comments"] == []


def test_erase_with_text(janes_comments):
    first, held, other = janes_comments
    assert erase_personal_data(EMAIL, erase_text=True) == 2
    first.refresh_from_db()
    assert first.body == "[deleted]"
    assert "The suburbs" not in first.body_html
    assert "[deleted]" in first.body_html
    other.refresh_from_db()
    assert other.body == "I agree with most of this."


@pytest.mark.django_db(transaction=True)
def test_erased_comment_shows_as_anonymous_on_the_page(client, janes_comments):
    first, _, _ = janes_comments
    before = client.get(first.article.get_absolute_url()).content.decode()
    assert "Jane Reader" in before  # and the page may now be in the page cache
    erase_personal_data(EMAIL)
    page = client.get(first.article.get_absolute_url()).content.decode()
    assert "The suburbs decide it." in page
    assert "Jane Reader" not in page
    assert "jane.example.com" not in page
    assert "Anonymous" in page


def test_purge_removes_network_data_after_the_retention_period(settings):
    settings.COMMENT_IP_RETENTION_DAYS = 30
    now = timezone.now()
    old = CommentFactory(
        ip_address="203.0.113.1", user_agent="Old", submitted=now - timedelta(days=31)
    )
    recent = CommentFactory(
        ip_address="203.0.113.2", user_agent="New", submitted=now - timedelta(days=29)
    )
    assert purge_expired_network_data() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.ip_address, old.user_agent) == (None, "")
    assert (recent.ip_address, recent.user_agent) == ("203.0.113.2", "New")
    assert old.author_email  # only network data goes
    assert purge_expired_network_data() == 0
    assert purge_expired_network_data(days=1) == 1


def test_export_command(janes_comments, tmp_path):
    out = StringIO()
    call_command("export_personal_data", EMAIL, stdout=out)
    data = json.loads(out.getvalue())
    assert len(data["comments"]) == 2
    target = tmp_path / "jane.json"
    call_command("export_personal_data", EMAIL, "--output", str(target), stderr=StringIO())
    assert json.loads(target.read_text())["comments"] == data["comments"]
    with pytest.raises(CommandError, match="not a valid email"):
        call_command("export_personal_data", "not-an-email")


def test_erase_command(janes_comments):
    first, held, _ = janes_comments
    out = StringIO()
    call_command("erase_personal_data", EMAIL, stdout=out)
    assert "Erased the personal data of 2 comments by" in out.getvalue()
    first.refresh_from_db()
    assert first.author_name == "Anonymous"
    assert first.body == "The suburbs decide it."
    call_command("erase_personal_data", "someone@example.org", "--with-text", stdout=StringIO())
    assert Comment.objects.get(body="[deleted]").author_name == "Anonymous"
    with pytest.raises(CommandError):
        call_command("erase_personal_data", "@@")


def test_purge_command(settings):
    settings.COMMENT_IP_RETENTION_DAYS = 7
    CommentFactory(ip_address="203.0.113.1", submitted=timezone.now() - timedelta(days=8))
    out = StringIO()
    call_command("purge_commenter_ips", stdout=out)
    assert "from 1 comment older than 7 days." in out.getvalue()
    assert not Comment.objects.filter(ip_address__isnull=False).exists()
    with pytest.raises(CommandError):
        call_command("purge_commenter_ips", "--days", "-1")


def _admin_user(*codenames, superuser=False):
    user = UserFactory(is_staff=True, is_superuser=superuser)
    for codename in codenames:
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="comments", codename=codename)
        )
    return user


def _post_action(client, action, comments, **extra):
    # The list opens on pending comments; a privacy request looks at all of them.
    return client.post(
        "/admin/comments/comment/?status=all",
        {"action": action, "_selected_action": [c.pk for c in comments], **extra},
    )


def test_admin_export_action(client, janes_comments):
    first, _, _ = janes_comments
    client.force_login(_admin_user("view_comment", "change_comment"))
    response = _post_action(client, "export_personal_data_action", [first])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    [person] = data["people"]
    assert person["email"] == "jane.reader@example.com"
    assert len(person["comments"]) == 2


def test_admin_erase_action_asks_then_erases(client, janes_comments):
    first, held, other = janes_comments
    client.force_login(_admin_user(superuser=True))
    response = _post_action(client, "erase_personal_data_action", [first])
    assert response.status_code == 200
    page = response.content.decode()
    assert "Erase personal data?" in page
    assert "jane.reader@example.com" in page
    first.refresh_from_db()
    assert first.author_name == "Jane Reader"  # nothing yet

    response = _post_action(
        client, "erase_personal_data_action", [first], post="yes", with_text="on"
    )
    assert response.status_code == 302
    first.refresh_from_db()
    held.refresh_from_db()
    assert first.author_name == held.author_name == "Anonymous"
    assert first.body == held.body == "[deleted]"
    other.refresh_from_db()
    assert other.author_name == "Someone Else"


def test_moderators_cannot_erase(client, janes_comments):
    first, _, _ = janes_comments
    client.force_login(_admin_user("view_comment", "change_comment"))
    response = client.get("/admin/comments/comment/")
    assert response.status_code == 200
    actions = response.context["action_form"].fields["action"].choices
    names = [name for name, _ in actions]
    assert "export_personal_data_action" in names
    assert "erase_personal_data_action" not in names
    _post_action(client, "erase_personal_data_action", [first], post="yes")
    first.refresh_from_db()
    assert first.author_name == "Jane Reader"


# Never in public output


def forms_of_the_email(email):
    lowered = email.lower()
    yield email
    yield lowered
    yield lowered.split("@")[0]
    for algorithm in ("md5", "sha1", "sha256"):
        yield hashlib.new(algorithm, lowered.encode()).hexdigest()
        yield hashlib.new(algorithm, email.strip().encode()).hexdigest()


def public_pages(article):
    local = timezone.localtime(article.pub_date)  # the archive is in the site's time zone
    return [
        "/",
        article.get_absolute_url(),
        f"{article.get_absolute_url()}?replytocom={article.comments.first().pk}",
        "/feed/comments/",
        f"{article.get_absolute_url()}feed/",
        f"/{local:%Y}/",
    ]


def test_email_absent_from_every_public_page_and_feed(client, seeded):
    for url in public_pages(seeded):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for form in forms_of_the_email(CANARY):
            assert form not in body, (url, form)
        assert "private-mail.example" not in body


def test_email_absent_when_the_form_comes_back_with_errors(client, seeded):
    """The reader's own email is in their form, nobody else's."""
    response = client.post(f"/comments/post/{seeded.pk}/", comment_data(seeded, comment=""))
    assert response.status_code == 400
    assert "private-mail.example" not in response.content.decode()


def test_no_third_party_avatar(client, seeded):
    html = client.get(seeded.get_absolute_url()).content.decode()
    assert "gravatar" not in html.lower()
    assert '<span class="comment-avatar" aria-hidden="true">C</span>' in html


def test_javascript_website_from_imported_data_is_not_linked(client):
    article = ArticleFactory()
    CommentFactory(article=article, author_name="Imported", author_url="javascript:alert(1)")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "javascript:alert(1)" not in html
