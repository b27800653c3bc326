from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "posts"
    verbose_name = "Articles"

    def ready(self):
        from posts import revisions, signals

        signals.connect(self)
        revisions.register()
