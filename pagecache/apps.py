from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    """Anonymous readers' pages from Django's cache; apps tell it what changed (see __init__)."""

    name = "pagecache"
    verbose_name = "Page cache"
