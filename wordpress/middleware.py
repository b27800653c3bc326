"""
Answer the old WordPress addresses with a 301 to the pages they became.

Like django.contrib.redirects' RedirectFallbackMiddleware, old paths are only
looked up when the site has nothing else at that address (a 404). WordPress's
``?p=ID`` links are answered on the home page, where WordPress wrote them, and
on any other path that is a 404 (never on pages of ours that use ``?p=``, such
as the admin's lists).
Targets are read through the foreign keys at request time, so an article whose
slug or date was edited after the import is still found. An old address (or
``?p=ID``) of an article in the trash is 410 Gone, as the article's own is.
"""

from django.http import HttpResponsePermanentRedirect

from posts.models import Article
from posts.views import gone
from wordpress.models import LegacyRedirect

# What a lookup answers for an article in the trash (never a path).
GONE = "\x00gone"


class LegacyRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and request.path == "/":
            target = self.post_id_target(request.GET.get("p", ""))
            if target == GONE:
                return gone(request)
            if target:
                return HttpResponsePermanentRedirect(target)
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        # ?p= elsewhere only where the site has nothing: the admin's lists use ?p= too.
        target = self.post_id_target(request.GET.get("p", "")) or self.old_path_target(request.path)
        if target == GONE:
            return gone(request)
        if target and target != request.path:
            return HttpResponsePermanentRedirect(target)
        return response

    @staticmethod
    def post_id_target(value: str) -> str:
        """
        The address of the published article imported from WordPress post
        ``value``; GONE when that article is in the trash.
        """
        if not (value.isascii() and value.isdigit()) or len(value) > 18:
            return ""
        article = Article.objects.filter(wordpress_id=int(value)).first()
        if article is None:
            return ""
        if article.is_trashed:
            return GONE
        return article.get_absolute_url() if article.is_published() else ""

    @staticmethod
    def old_path_target(path: str) -> str:
        if "\x00" in path:
            return ""  # no imported address has one, and PostgreSQL refuses it in a query
        candidates = [path] if path.endswith("/") else [path, path + "/"]
        redirect = (
            LegacyRedirect.objects.select_related("article", "tag")
            .filter(old_path__in=candidates)
            .first()
        )
        if redirect is None:
            return ""
        if redirect.article_id is not None and redirect.article.is_trashed:
            return GONE
        return redirect.get_target_url()
