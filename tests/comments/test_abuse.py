"""Honeypot, signed timestamp, flood control, duplicates and the client IP."""

import time

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from comments import spam
from comments.ip import get_client_ip
from comments.models import Comment, DiscussionSettings, HoldReason
from tests.comment_helpers import comment_data
from tests.factories import ArticleFactory, CommentFactory


@pytest.fixture
def article(db, fake_google):
    discussion = DiscussionSettings.load()
    discussion.approval_policy = DiscussionSettings.ApprovalPolicy.APPROVE
    discussion.save()
    return ArticleFactory()


def post(client, article, ip="192.0.2.10", **overrides):
    return client.post(
        f"/comments/post/{article.pk}/", comment_data(article, **overrides), REMOTE_ADDR=ip
    )


def codes(comment):
    return [reason.code for reason in comment.hold_reasons.all()]


class TestHoneypotAndTimestamp:
    def test_honeypot_filled_is_kept_as_spam(self, client, article):
        assert post(client, article, honeypot="http://spam.example").status_code == 302
        comment = Comment.objects.get()
        assert comment.status == Comment.Status.SPAM
        assert codes(comment) == [HoldReason.Code.HONEYPOT]

    def test_posting_faster_than_a_person_types_is_spam(self, client, article):
        just_now = spam.sign_timestamp(article.pk, now=time.time())
        assert post(client, article, timestamp=just_now).status_code == 302
        comment = Comment.objects.get()
        assert comment.status == Comment.Status.SPAM
        assert codes(comment) == [HoldReason.Code.TOO_FAST]

    def test_minimum_time_is_a_setting(self, client, article, settings):
        settings.COMMENTS_MIN_SECONDS_TO_POST = 0
        just_now = spam.sign_timestamp(article.pk, now=time.time())
        post(client, article, timestamp=just_now)
        assert Comment.objects.get().status == Comment.Status.APPROVED

    @pytest.mark.parametrize(
        "timestamp", ["", "garbage", "WzEsMTcwMDAwMDAwMF0:1abc:forged-signature"]
    )
    def test_missing_or_tampered_timestamp_is_spam(self, client, article, timestamp):
        assert post(client, article, timestamp=timestamp).status_code == 302
        comment = Comment.objects.get()
        assert comment.status == Comment.Status.SPAM
        assert codes(comment) == [HoldReason.Code.BAD_TIMESTAMP]

    def test_timestamp_from_another_articles_form_is_spam(self, client, article):
        other = spam.sign_timestamp(article.pk + 1000, now=time.time() - 60)
        post(client, article, timestamp=other)
        assert codes(Comment.objects.get()) == [HoldReason.Code.BAD_TIMESTAMP]

    def test_old_form_is_fine(self, client, article):
        a_week_ago = spam.sign_timestamp(article.pk, now=time.time() - 7 * 86400)
        post(client, article, timestamp=a_week_ago)
        assert Comment.objects.get().status == Comment.Status.APPROVED


class TestFlood:
    def test_second_comment_within_15_seconds_from_same_ip_is_429(self, client, article):
        assert post(client, article, comment="First.").status_code == 302
        response = post(client, article, comment="Second, too soon.")
        assert response.status_code == 429
        html = response.content.decode()
        assert "You are posting comments too quickly. Slow down." in html
        assert "Second, too soon." in html  # text kept in the form
        assert Comment.objects.count() == 1

    def test_other_ip_is_not_affected(self, client, article):
        assert post(client, article, comment="First.").status_code == 302
        assert post(client, article, ip="192.0.2.11", comment="Other.").status_code == 302

    def test_allowed_again_after_the_window(self, client, article):
        assert post(client, article, comment="First.").status_code == 302
        cache.delete(spam._key("flood", "192.0.2.10"))  # what 15 seconds do
        assert post(client, article, comment="Later.").status_code == 302

    def test_window_is_a_setting(self, client, article, settings):
        settings.COMMENTS_FLOOD_SECONDS = 0
        assert post(client, article, comment="First.").status_code == 302
        assert post(client, article, comment="Second.").status_code == 302

    def test_counter_lives_in_the_shared_cache(self, article):
        assert spam.claim_flood_slot("192.0.2.50") is True
        assert spam.claim_flood_slot("192.0.2.50") is False
        assert cache.get(spam._key("flood", "192.0.2.50")) == 1


class TestDuplicate:
    def test_same_text_same_place_same_email_is_409(self, client, article):
        assert post(client, article, comment="Same words.").status_code == 302
        response = post(client, article, ip="192.0.2.99", comment="Same words.")
        assert response.status_code == 409
        html = response.content.decode()
        assert "Duplicate comment detected; it looks as though you’ve already said that!" in html
        assert "Same words." in html
        assert Comment.objects.count() == 1

    def test_duplicate_found_in_database_without_cache(self, client, article):
        CommentFactory(article=article, author_email="jane.reader@example.org", body="Said before.")
        assert post(client, article, comment="Said before.").status_code == 409

    def test_email_case_does_not_hide_a_duplicate(self, client, article):
        post(client, article, comment="Same words.")
        response = post(
            client, article, ip="192.0.2.98", comment="Same words.", email="Jane.Reader@EXAMPLE.org"
        )
        assert response.status_code == 409

    @pytest.mark.parametrize(
        "change",
        [{"email": "someone.else@example.org"}, {"parent": "other"}, {"article": "other"}],
    )
    def test_different_email_parent_or_article_is_not_duplicate(self, client, article, change):
        post(client, article, comment="Same words.")
        target = ArticleFactory() if change.get("article") else article
        overrides = {"comment": "Same words."}
        if "email" in change:
            overrides["email"] = change["email"]
        if "parent" in change:
            overrides["parent"] = str(CommentFactory(article=article).pk)
        assert post(client, target, ip="192.0.2.97", **overrides).status_code == 302

    def test_a_flooded_post_is_not_remembered_as_duplicate(self, client, article):
        post(client, article, comment="First.")
        assert post(client, article, comment="Second.").status_code == 429
        cache.delete(spam._key("flood", "192.0.2.10"))
        assert post(client, article, comment="Second.").status_code == 302

    def test_concurrent_duplicate_is_caught_by_cache_claim(self, article):
        args = (article.pk, None, "a@example.org", "Hello")
        assert spam.claim_duplicate_key(*args) is True
        assert spam.claim_duplicate_key(*args) is False
        assert spam.is_duplicate(*args) is True


class TestClientIp:
    def request(self, remote="10.0.0.1", forwarded=None):
        meta = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            meta["HTTP_X_FORWARDED_FOR"] = forwarded
        return RequestFactory().get("/", **meta)

    def test_remote_addr_by_default_and_forwarded_header_ignored(self, settings):
        settings.TRUSTED_PROXY_COUNT = 0
        assert get_client_ip(self.request("198.51.100.1", "203.0.113.9")) == "198.51.100.1"

    def test_one_trusted_proxy_takes_the_rightmost_address(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        request = self.request("10.0.0.1", "1.2.3.4, 203.0.113.9")  # 1.2.3.4 is spoofed
        assert get_client_ip(request) == "203.0.113.9"

    def test_two_trusted_proxies(self, settings):
        settings.TRUSTED_PROXY_COUNT = 2
        request = self.request("10.0.0.1", "1.2.3.4, 203.0.113.9, 10.0.0.2")
        assert get_client_ip(request) == "203.0.113.9"

    def test_too_few_forwarded_addresses_falls_back_to_remote_addr(self, settings):
        settings.TRUSTED_PROXY_COUNT = 2
        assert get_client_ip(self.request("10.0.0.1", "203.0.113.9")) == "10.0.0.1"
        assert get_client_ip(self.request("10.0.0.1")) == "10.0.0.1"

    def test_garbage_in_header_falls_back(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        assert get_client_ip(self.request("10.0.0.1", "<script>")) == "10.0.0.1"

    def test_ipv6(self, settings):
        settings.TRUSTED_PROXY_COUNT = 0
        assert get_client_ip(self.request("2001:db8::1")) == "2001:db8::1"

    def test_stored_on_the_comment_from_the_trusted_header(self, client, article, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        data = comment_data(article)
        client.post(
            f"/comments/post/{article.pk}/",
            data,
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9",
        )
        assert Comment.objects.get().ip_address == "203.0.113.9"
