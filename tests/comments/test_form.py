"""The "Leave a Reply" form: rendering, validation, posting, cookies, replies, closing."""

import re
from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from comments import cookies
from comments.models import Comment, DiscussionSettings
from tests.comment_helpers import comment_data, own_view
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _google(fake_google):
    """Google answers every token with a good score."""
    return fake_google


@pytest.fixture
def article():
    return ArticleFactory(title="The suburban realignment")


@pytest.fixture
def approve_all():
    discussion = DiscussionSettings.load()
    discussion.approval_policy = DiscussionSettings.ApprovalPolicy.APPROVE
    discussion.save()
    return discussion


def post(client, article, ip="203.0.113.5", **overrides):
    return client.post(
        f"/comments/post/{article.pk}/",
        comment_data(article, **overrides),
        REMOTE_ADDR=ip,
        HTTP_USER_AGENT="Mozilla/5.0 (test)",
    )


def field_error(html, name):
    match = re.search(rf'<span class="field-error" id="id_{name}_error">(.*?)</span>', html, re.S)
    return match.group(1) if match else None


class TestRendering:
    def test_form_has_wordpress_wording_fields_and_recaptcha_line(self, client, article):
        html = client.get(article.get_absolute_url()).content.decode()
        assert "Leave a Reply" in html
        assert "Your email address will not be published." in html
        assert "Required fields are marked" in html
        for label in ("Comment", "Name", "Email", "Website"):
            assert f">{label}" in html
        assert re.search(r'for="id_comment">Comment <span class="required"', html)
        assert re.search(r'for="id_url">Website</label>', html)
        assert (
            "Save my name, email, and website in this browser for the next time I comment." in html
        )
        assert ">Post Comment</button>" in html
        assert "This site is protected by reCAPTCHA and the Google" in html
        assert 'href="https://policies.google.com/privacy"' in html
        assert 'href="https://policies.google.com/terms"' in html

    def test_renders_django_recaptcha_v3_widget_with_comment_action(self, client, article):
        html = client.get(article.get_absolute_url()).content.decode()
        assert "recaptcha/api.js?render=" in html
        assert re.search(
            r'<input type="hidden" name="captcha" data-action="comment"[^>]*'
            r'class="g-recaptcha"',
            html,
        )
        assert "<script>" not in html.split('id="comments"')[1]  # no inline script

    def test_v2_checkbox_by_setting(self, client, article, settings):
        settings.RECAPTCHA_VERSION = 2
        html = client.get(article.get_absolute_url()).content.decode()
        assert re.search(r'<div[^>]*class="g-recaptcha"[^>]*data-sitekey=', html)
        assert "render=" not in html
        assert 'data-action="comment"' not in html

    def test_each_shown_comment_has_wordpress_id_and_reply_link(self, client, article):
        comment = CommentFactory(article=article)
        html = client.get(article.get_absolute_url()).content.decode()
        assert f'id="comment-{comment.pk}"' in html
        url = article.get_absolute_url()
        assert f'href="{url}?replytocom={comment.pk}#respond"' in html

    def test_threads_to_configured_depth(self, client, article):
        discussion = DiscussionSettings.load()
        discussion.thread_depth = 2
        discussion.save()
        top = CommentFactory(article=article)
        reply = CommentFactory(article=article, parent=top)
        deeper = CommentFactory(article=article, parent=reply)
        html = client.get(article.get_absolute_url()).content.decode()
        assert f'id="comment-{top.pk}" class="comment depth-1' in html
        assert f'id="comment-{reply.pk}" class="comment depth-2' in html
        # Deeper than the limit is shown at the limit, and the limit has no Reply link.
        assert f'id="comment-{deeper.pk}" class="comment depth-2' in html
        assert f"?replytocom={reply.pk}" not in html
        assert f"?replytocom={top.pk}" in html
        # Nesting: the reply sits inside the top comment's list of children.
        top_item = html.split(f'id="comment-{top.pk}"')[1].split("</li></ol></li>")[0]
        assert f'id="comment-{reply.pk}"' in top_item

    def test_replytocom_places_form_under_the_comment_without_javascript(self, client, article):
        comment = CommentFactory(article=article, author_name="Ada")
        html = client.get(f"{article.get_absolute_url()}?replytocom={comment.pk}").content.decode()
        assert "Leave a Reply to Ada" in html
        item = html.split(f'id="comment-{comment.pk}"')[1]
        assert item.index('id="respond"') < item.index('id="respond-home"')
        assert f'name="parent" value="{comment.pk}"' in html

    def test_replytocom_for_unapproved_comment_is_ignored(self, client, article):
        held = CommentFactory(article=article, status=Comment.Status.PENDING)
        html = client.get(f"{article.get_absolute_url()}?replytocom={held.pk}").content.decode()
        assert "Leave a Reply to" not in html
        assert f'id="comment-{held.pk}"' not in html

    def test_saved_author_cookie_fills_form(self, client, article):
        response = post(client, article, cookie_consent="on")
        assert response.status_code == 302
        # The page is the same for everyone; comments.js fills the form from the personal request.
        assert 'value="Jane Reader"' not in client.get(article.get_absolute_url()).content.decode()
        html = own_view(client, article.pk)
        assert 'value="Jane Reader"' in html
        assert 'value="jane.reader@example.org"' in html


class TestValidation:
    @pytest.mark.parametrize(
        ("field", "message"),
        [
            ("comment", "Please type your comment."),
            ("author", "Please enter your name."),
            ("email", "Please enter your email address"),
        ],
    )
    def test_each_required_field_missing_gets_its_own_message(
        self, client, article, field, message
    ):
        response = post(client, article, **{field: ""})
        assert response.status_code == 400
        html = response.content.decode()
        assert message in field_error(html, field)
        others = {"comment", "author", "email"} - {field}
        assert all(field_error(html, other) is None for other in others)
        assert not Comment.objects.exists()

    @pytest.mark.parametrize("field", ["comment", "author", "email"])
    def test_whitespace_only_is_empty(self, client, article, field):
        response = post(client, article, **{field: "   \n\t  "})
        assert response.status_code == 400
        assert field_error(response.content.decode(), field)

    def test_all_missing_each_beside_its_field_focus_on_first(self, client, article):
        response = post(client, article, comment="", author="", email="")
        html = response.content.decode()
        for name in ("comment", "author", "email"):
            assert field_error(html, name)
            assert re.search(
                rf'name="{name}"[^>]*aria-invalid="true" aria-describedby="id_{name}_error"', html
            )
        assert re.search(r'<textarea name="comment"[^>]*autofocus', html)
        assert not re.search(r'<input[^>]*name="author"[^>]*autofocus', html)

    def test_focus_goes_to_first_invalid_field(self, client, article):
        html = post(client, article, email="not-an-email").content.decode()
        assert re.search(r'<input type="email" name="email"[^>]*autofocus', html)
        assert not re.search(r"<textarea[^>]*autofocus", html)

    @pytest.mark.parametrize("email", ["not-an-email", "jane@", "@example.org", "jane@@x.org"])
    def test_invalid_email(self, client, article, email):
        response = post(client, article, email=email)
        assert response.status_code == 400
        assert "valid email address" in field_error(response.content.decode(), "email")

    @pytest.mark.parametrize(
        "url", ["javascript:alert(1)", "ftp://example.org/", "data:text/html,x", "http://"]
    )
    def test_website_http_or_https_only(self, client, article, url):
        response = post(client, article, url=url)
        assert response.status_code == 400
        assert "http:// or https://" in field_error(response.content.decode(), "url")

    def test_website_without_scheme_gets_https(self, client, article):
        assert post(client, article, url="example.org/me").status_code == 302
        assert Comment.objects.get().author_url == "https://example.org/me"

    @pytest.mark.parametrize(
        ("field", "limit", "make"),
        [
            ("author", 100, lambda n: "N" * n),
            ("email", 254, lambda n: "a" * (n - len("@example.org")) + "@example.org"),
            ("url", 200, lambda n: "https://example.org/" + "p" * (n - 20)),
            ("comment", 10_000, lambda n: "w" * n),
        ],
    )
    def test_length_limits(self, client, article, field, limit, make, approve_all):
        too_long = post(client, article, **{field: make(limit + 1)})
        assert too_long.status_code == 400
        assert f"at most {limit:,}".replace(",", "") in field_error(
            too_long.content.decode(), field
        ).replace(",", "")
        assert not Comment.objects.exists()
        at_limit = post(client, article, ip="203.0.113.77", **{field: make(limit)})
        assert at_limit.status_code == 302, field_error(at_limit.content.decode(), field)

    def test_reply_links_on_the_error_page_lead_back_to_the_article(self, client, article):
        comment = CommentFactory(article=article)
        html = post(client, article, comment="").content.decode()
        assert f'href="{article.get_absolute_url()}?replytocom={comment.pk}#respond"' in html

    def test_reader_text_kept_on_error(self, client, article):
        text = "A long, careful argument\n\nwith <em>two</em> paragraphs & an ampersand."
        response = post(client, article, comment=text, author="Jane Reader", email="nope")
        html = response.content.decode()
        assert response.status_code == 400
        assert (
            "A long, careful argument\n\nwith &lt;em&gt;two&lt;/em&gt; paragraphs &amp; an" in html
        )
        assert 'value="Jane Reader"' in html
        assert "The suburban realignment" in html  # still the article page

    def test_textarea_has_no_maxlength_that_would_cut_a_paste(self, client, article):
        html = client.get(article.get_absolute_url()).content.decode()
        assert not re.search(r"<textarea[^>]*maxlength", html)


class TestPosting:
    def test_success_redirects_to_the_comment(self, client, article, approve_all):
        response = post(client, article)
        comment = Comment.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"{article.get_absolute_url()}#comment-{comment.pk}"
        assert comment.status == Comment.Status.APPROVED
        assert comment.author_name == "Jane Reader"
        assert comment.ip_address == "203.0.113.5"
        assert comment.user_agent == "Mozilla/5.0 (test)"
        assert comment.captcha_score == 0.9
        html = client.get(article.get_absolute_url()).content.decode()
        assert f'id="comment-{comment.pk}"' in html

    def test_reply_is_stored_under_its_parent(self, client, article, approve_all):
        parent = CommentFactory(article=article)
        assert post(client, article, parent=str(parent.pk)).status_code == 302
        assert Comment.objects.get(author_name="Jane Reader").parent == parent

    def test_reply_to_a_comment_on_another_article_posts_top_level(self, client, article):
        elsewhere = CommentFactory()
        assert post(client, article, parent=str(elsewhere.pk)).status_code == 302
        assert Comment.objects.get(author_name="Jane Reader").parent is None

    def test_held_comment_shown_only_to_its_author(self, client, article):
        response = post(client, article)
        comment = Comment.objects.get()
        assert comment.status == Comment.Status.PENDING
        assert cookies.PENDING_COOKIE in response.cookies
        mine = own_view(client, article.pk)
        assert f'id="comment-{comment.pk}"' in mine
        assert "Your comment is awaiting moderation." in mine
        from django.test import Client

        theirs = Client().get(article.get_absolute_url()).content.decode()
        assert f'id="comment-{comment.pk}"' not in theirs
        assert "Turnout in the suburbs decided it." not in theirs
        assert "Turnout in the suburbs decided it." not in own_view(Client(), article.pk)

    def test_tampered_pending_cookie_shows_nothing(self, client, article):
        held = CommentFactory(article=article, status=Comment.Status.PENDING, body="secret words")
        client.cookies[cookies.PENDING_COOKIE] = str(held.pk)
        assert "secret words" not in client.get(article.get_absolute_url()).content.decode()
        assert "secret words" not in own_view(client, article.pk)

    def test_approved_comment_shown_to_everyone(self, client, article, approve_all):
        post(client, article)
        from django.test import Client

        html = Client().get(article.get_absolute_url()).content.decode()
        assert "Turnout in the suburbs decided it." in html
        assert "awaiting moderation" not in html

    def test_no_cookie_stored_unless_save_ticked(self, client, article):
        response = post(client, article)
        assert cookies.AUTHOR_COOKIE not in response.cookies
        assert Comment.objects.get().cookie_consent is False

    def test_save_ticked_sets_signed_httponly_cookie_and_records_consent(self, client, article):
        response = post(client, article, cookie_consent="on")
        morsel = response.cookies[cookies.AUTHOR_COOKIE]
        assert morsel["httponly"]
        assert morsel["max-age"] == cookies.AUTHOR_MAX_AGE
        request = RequestFactory().get("/")
        request.COOKIES[cookies.AUTHOR_COOKIE] = morsel.value
        assert cookies.saved_author(request) == {
            "author": "Jane Reader",
            "email": "jane.reader@example.org",
            "url": "",
        }
        request.COOKIES[cookies.AUTHOR_COOKIE] = morsel.value.replace("Jane", "Evil")
        assert cookies.saved_author(request) == {}
        assert Comment.objects.get().cookie_consent is True

    def test_unticking_forgets_saved_author(self, client, article):
        post(client, article, cookie_consent="on")
        response = post(client, article, ip="203.0.113.99", comment="Another thought.")
        assert response.cookies[cookies.AUTHOR_COOKIE].value == ""

    def test_get_is_not_allowed(self, client, article):
        assert client.get(f"/comments/post/{article.pk}/").status_code == 405

    def test_unpublished_article_404(self, client):
        draft = ArticleFactory(status="draft")
        assert post(client, draft).status_code == 404
        assert not Comment.objects.exists()


class TestClosed:
    def test_article_switch_closes_form_and_refuses_post(self, client):
        article = ArticleFactory(comments_open=False)
        html = client.get(article.get_absolute_url()).content.decode()
        assert "Comments are closed." in html
        assert 'id="commentform"' not in html
        response = post(client, article, comment="Words I typed")
        assert response.status_code == 403
        body = response.content.decode()
        assert "Comments are closed" in body
        assert "Words I typed" in body  # the reader can copy their text
        assert not Comment.objects.exists()

    def test_closed_after_n_days(self, client):
        discussion = DiscussionSettings.load()
        discussion.close_after_days = 14
        discussion.save()
        old = ArticleFactory(pub_date=timezone.now() - timedelta(days=15))
        recent = ArticleFactory(pub_date=timezone.now() - timedelta(days=13))
        assert "Comments are closed." in client.get(old.get_absolute_url()).content.decode()
        assert post(client, old).status_code == 403
        assert "Comments are closed." not in client.get(recent.get_absolute_url()).content.decode()
        assert post(client, recent, ip="203.0.113.8").status_code == 302

    def test_zero_days_never_closes(self, client):
        old = ArticleFactory(pub_date=timezone.now() - timedelta(days=4000))
        assert post(client, old).status_code == 302


class TestOddHiddenFields:
    @pytest.mark.parametrize(
        "overrides",
        [
            {"parent": "1 again"},
            {"parent": "9" * 40},
            {"parent": "\x00"},
            {"parent": "١٢"},  # Arabic-Indic digits
            {"timestamp": "\x00"},
            {"captcha": "tok\x00en"},
            {"honeypot": "\x00"},
        ],
    )
    def test_odd_hidden_values_never_block_a_reader(self, client, article, overrides):
        response = post(client, article, **overrides)
        assert response.status_code == 302
        assert Comment.objects.get().parent is None


def test_staff_preview_of_a_draft_has_no_form(client):
    client.force_login(UserFactory(username="previewer", is_staff=True))
    draft = ArticleFactory(status="draft")
    html = client.get(draft.get_absolute_url()).content.decode()
    assert 'id="commentform"' not in html
