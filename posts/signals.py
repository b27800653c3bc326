"""
What posts tells others when its data changes: every page may show an article,
a tag, an author, an outlet, a quotation or the masthead, so any change to a
posts model drops every cached page. Also the Editors group, made after
every migrate.
"""

from datetime import datetime

from django.apps import AppConfig
from django.db.models import Min
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import Signal

import pagecache
from posts.models import Article
from security.groups import ensure_group
from singletons.models import SingleRowModel

# Sent by load_demo once the demo content is in (inside its transaction): other
# apps add their own demo parts from their signals.py (menus: the site menu).
demo_loaded = Signal()

EDITORS = "Editors"
EDITOR_PERMISSIONS = {
    "article": ["add", "change", "delete", "view"],
    "quotation": ["add", "change", "delete", "view"],
    "tag": ["add", "change", "delete", "view"],
    "outlet": ["add", "change", "delete", "view"],
    "author": ["add", "change", "delete", "view"],
    "image": ["add", "change", "delete", "view"],
    "page": ["add", "change", "delete", "view"],
    "sitesettings": ["change", "view"],
}


def content_changed(sender, action: str = "post", **kwargs) -> None:
    """A row of a posts model (or a link between two) changed."""
    if sender._meta.app_label != "posts" or not action.startswith("post"):
        return
    instance = kwargs.get("instance")
    made_by_load = isinstance(instance, SingleRowModel) and instance.has_default_values()
    if kwargs.get("created") and made_by_load:
        return  # load() made the row: pages already showed these defaults
    pagecache.invalidate_all()


def next_scheduled_publication(now: datetime) -> datetime | None:
    """Scheduled articles appear by themselves at their publication time (not from the trash)."""
    return Article.objects.filter(
        status__in=[Article.Status.PUBLISHED, Article.Status.SCHEDULED],
        pub_date__gt=now,
        trashed_at__isnull=True,
    ).aggregate(next=Min("pub_date"))["next"]


def create_editors(sender: AppConfig, using: str = "default", **kwargs) -> None:
    """The Editors group: everything about articles and their parts, and the masthead."""
    codenames = [
        f"{action}_{model}" for model, actions in EDITOR_PERMISSIONS.items() for action in actions
    ]
    ensure_group(EDITORS, "posts", codenames, using=using)


def connect(app_config: AppConfig) -> None:
    # Any sender: posts' many-to-many tables are models of their own.
    post_save.connect(content_changed, dispatch_uid="posts-content-save")
    post_delete.connect(content_changed, dispatch_uid="posts-content-delete")
    m2m_changed.connect(content_changed, dispatch_uid="posts-content-m2m")
    post_migrate.connect(create_editors, sender=app_config, dispatch_uid="posts-editors")
    pagecache.register_next_change(next_scheduled_publication)
