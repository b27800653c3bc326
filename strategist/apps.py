from django.apps import AppConfig


class StrategistConfig(AppConfig):
    """The project itself: keeps the page cache right when content changes."""

    name = "strategist"
    verbose_name = "Strategist"

    def ready(self):
        from strategist.cache import connect_signals

        connect_signals()
