from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    """Anonymous readers' pages from Django's cache; apps tell it what changed."""

    name = "pagecache"
    verbose_name = "Page cache"

    def ready(self):
        from pagecache.middleware import connect_signals

        connect_signals()
