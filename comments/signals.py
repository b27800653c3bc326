"""
What comments tells others when comments change: an approved comment shows on
its article's page, in the comment counts of list pages and in the comment
feeds, so a change to one drops those cached pages; a pending comment shows on
no public page. The discussion settings decide whether every article shows the
form. Also: comments closing by age, the comment form's per-response
timestamp, and the Moderators group. A comment becoming visible (posted
approved, or approved by a moderator) sends its reply notifications
(comments/tasks.py), when the change commits.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.apps import AppConfig
from django.core.signals import setting_changed
from django.db.models import Count, Min
from django.db.models.signals import post_delete, post_init, post_migrate, post_save

import pagecache
from comments import blank_form, cookies, pages, spam, tasks
from comments.models import Comment, DiscussionSettings, comments_changed
from posts.models import Article, Page
from security.groups import ensure_group

# The page-cache scope of pages listing comments or their counts.
SCOPE = "comments"
MODERATORS = "Moderators"
MODERATOR_PERMISSIONS = ["view_comment", "change_comment", "moderate_comment"]


def articles_changed(article_ids: Iterable[int], page_ids: Iterable[int] = ()) -> None:
    """
    The approved comments of these articles and pages (posts.Page) changed:
    their addresses (and pages of comments) and the lists.
    """
    article_ids = {pk for pk in article_ids if pk is not None}
    page_ids = {pk for pk in page_ids if pk is not None}
    if not article_ids and not page_ids:
        return
    # Only what the address needs, without loading whole rows.
    paths, page_paths = {}, {}
    if article_ids:
        rows = Article.objects.filter(pk__in=article_ids).values_list("pk", "slug", "pub_date")
        paths = {
            pk: Article(slug=slug, pub_date=pub_date).get_absolute_url()
            for pk, slug, pub_date in rows
        }
    if page_ids:
        rows = Page.objects.filter(pk__in=page_ids).values_list("pk", "path")
        page_paths = {pk: Page(path=path).get_absolute_url() for pk, path in rows}
    pagecache.invalidate(
        SCOPE,
        pages=[
            *paths.values(),
            *page_paths.values(),
            *(comment_page_paths(paths) if article_ids else ()),
            *(comment_page_paths(page_paths, field="page_id") if page_paths else ()),
        ],
    )


def comment_page_paths(article_paths: dict[int, str], field: str = "article_id") -> list[str]:
    """
    With comments in pages, every /comment-page-N/ an article (or, with
    field="page_id", a page) may have: as many as its comments in any status
    could fill (statuses change, the count of every comment does not shrink
    when one is trashed), plus one.
    """
    discussion = DiscussionSettings.objects.filter(page_comments=True).first()
    if discussion is None or not article_paths:
        return []
    counts = dict(
        Comment.objects.filter(**{f"{field}__in": list(article_paths)})
        .values_list(field)
        .annotate(count=Count("id"))
        .order_by()
    )
    return [
        pages.page_path(path, number)
        for pk, path in article_paths.items()
        for number in range(1, pages.page_count(counts.get(pk, 0), discussion) + 2)
    ]


def bulk_changed(
    sender, article_ids: Iterable[int], page_ids: Iterable[int] = (), **kwargs
) -> None:
    articles_changed(article_ids, page_ids)
    if kwargs.get("status") == Comment.Status.APPROVED:
        tasks.comments_approved(kwargs.get("comment_ids") or (), was_held=True)


def remember_status(sender, instance: Comment, **kwargs) -> None:
    instance._status_when_loaded = instance.__dict__.get("status")


def comment_saved(sender, instance: Comment, created: bool = False, **kwargs) -> None:
    before = None if created else getattr(instance, "_status_when_loaded", None)
    shown = Comment.Status.APPROVED
    if shown in (before, instance.status) or (not created and before is None):
        articles_changed([instance.article_id], [instance.page_id])
    if instance.status == shown and (created or before not in (None, shown)):
        tasks.comments_approved([instance.pk], was_held=not created)
    instance._status_when_loaded = instance.status


def comment_deleted(sender, instance: Comment, **kwargs) -> None:
    if instance.status == Comment.Status.APPROVED:
        articles_changed([instance.article_id], [instance.page_id])


def discussion_settings_changed(sender, instance: DiscussionSettings, **kwargs) -> None:
    """Whether the form shows, and until when, may change on every article."""
    if kwargs.get("created") and instance.has_default_values():
        return  # load() made the row: pages already followed these defaults
    pagecache.invalidate_all()


def comments_closing(now: datetime) -> datetime | None:
    """The next moment an article's comments close by age (Discussion settings)."""
    days = DiscussionSettings.objects.values_list("close_after_days", flat=True).first()
    if days is None:
        days = DiscussionSettings._meta.get_field("close_after_days").default
    if not days:
        return None
    oldest_open = (
        Article.objects.published()
        .filter(comments_open=True, pub_date__gte=now - timedelta(days=days))
        .aggregate(first=Min("pub_date"))["first"]
    )
    return oldest_open + timedelta(days=days) if oldest_open else None


def fresh_timestamp(article_id: str) -> str:
    """
    A cached page's comment form gets a timestamp signed for this response
    (``article_id``: models.target_key(), an article's id or "page-<id>").
    """
    return spam.sign_timestamp(article_id if article_id.startswith("page-") else int(article_id))


def create_moderators(sender: AppConfig, using: str = "default", **kwargs) -> None:
    """The Moderators group: view, change and moderate comments, nothing else."""
    ensure_group(MODERATORS, "comments", MODERATOR_PERMISSIONS, using=using)


def form_settings_changed(setting: str, **kwargs) -> None:
    """The empty comment form is rendered again after tests change a setting it shows."""
    if setting.startswith(("RECAPTCHA_", "TEMPLATES", "DEBUG")):
        blank_form.forget()


def connect(app_config: AppConfig) -> None:
    post_init.connect(remember_status, sender=Comment, dispatch_uid="comments-status-loaded")
    post_save.connect(comment_saved, sender=Comment, dispatch_uid="comments-saved")
    post_delete.connect(comment_deleted, sender=Comment, dispatch_uid="comments-deleted")
    comments_changed.connect(bulk_changed, sender=Comment, dispatch_uid="comments-bulk")
    for signal in (post_save, post_delete):
        signal.connect(
            discussion_settings_changed,
            sender=DiscussionSettings,
            dispatch_uid=f"comments-discussion-{signal is post_save}",
        )
    setting_changed.connect(form_settings_changed, dispatch_uid="comments-form-settings")
    post_migrate.connect(create_moderators, sender=app_config, dispatch_uid="comments-moderators")
    pagecache.register_next_change(comments_closing)
    pagecache.register_response_value("comment-timestamp", fresh_timestamp)
    # No page is built from the comment cookies (comments.views.personal reads them).
    pagecache.ignore_cookies(cookies.AUTHOR_COOKIE, cookies.PENDING_COOKIE, cookies.MARKER_COOKIE)
