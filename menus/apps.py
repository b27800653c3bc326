from django.apps import AppConfig


class MenusConfig(AppConfig):
    name = "menus"
    verbose_name = "Site menu"

    def ready(self):
        from menus import signals

        signals.connect(self)
