"""
Answer the old WordPress addresses with a 301 to the pages they became.

Like django.contrib.redirects' RedirectFallbackMiddleware, old paths are only
looked up when the site has nothing else at that address (a 404). WordPress's
``?p=ID`` (a post or a page) and ``?page_id=ID`` links are answered on the
home page, where WordPress wrote them, and
on any other path that is a 404 (never on pages of ours that use ``?p=``, such
as the admin's lists).
Targets are read through the foreign keys at request time, so an article whose
slug or date was edited after the import is still found. An old address (or
``?p=ID``) of an article or page in the trash is 410 Gone, as its own is.
WordPress IDs belong to their site (wordpress.WordPressItem): when exports of
several sites hold the same ID, ``?p=ID`` leads to the item of the site whose
address has the request's host (the old domain now pointing here), else to the
item of the site imported first.

Also answered, in one query each (two for an unknown ``/category/`` address):
``?cat=N`` and ``?author=N`` (kept by the import as the old addresses
"/?cat=N", "/?author=N"), ``<old post address>feed/`` (the article's comment
feed when it takes or has comments, else the article; a tag's feed for a
category's), ``<old post address>comment-page-N/`` (the article's comment page
N, comments.pages) and ``/category/<parent>/<child>/`` or ``/category/<child>/``
for a nested category whichever of the two WordPress used.
"""

import re

from django.http import HttpResponsePermanentRedirect

from comments.pages import page_path
from posts.views import gone
from wordpress.models import LegacyRedirect, WordPressItem, WordPressTerm

# WordPress's query addresses kept as LegacyRedirect old paths ("/?cat=5").
QUERY_ADDRESSES = ("cat", "author")
_FEED = re.compile(r"^(?P<post>/.+/)feed/(?:rss2/|rss/|atom/|rdf/)?$")
_COMMENT_PAGE = re.compile(r"^(?P<post>/.+/)comment-page-(?P<number>[0-9]{1,9})/$")
_CATEGORY = re.compile(r"/category/(?:[^/]+/)*(?P<slug>[^/]+)/$")

# What a lookup answers for an article in the trash (never a path).
GONE = "\x00gone"


class LegacyRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and request.path == "/":
            target = self.id_target(request) or self.query_target(request)
            if target == GONE:
                return gone(request)
            if target:
                return HttpResponsePermanentRedirect(target)
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        # ?p= elsewhere only where the site has nothing: the admin's lists use ?p= too.
        target = (
            self.id_target(request)
            or self.query_target(request)
            or self.old_path_target(request.path)
        )
        if target == GONE:
            return gone(request)
        if target and target != request.path:
            return HttpResponsePermanentRedirect(target)
        return response

    @classmethod
    def id_target(cls, request) -> str:
        """Where WordPress's ``?p=N`` (a post or a page) or ``?page_id=N`` leads."""
        host = request.META.get("HTTP_HOST", "")
        return cls.post_id_target(request.GET.get("p", ""), host) or cls.post_id_target(
            request.GET.get("page_id", ""), host, kinds=(WordPressItem.Kind.PAGE,)
        )

    @staticmethod
    def post_id_target(
        value: str,
        host: str = "",
        kinds: tuple[str, ...] = (WordPressItem.Kind.POST, WordPressItem.Kind.PAGE),
    ) -> str:
        """
        The address of the published article or page imported from WordPress
        item ``value``; GONE when it is in the trash. When several WordPress
        sites had that ID, the one whose address has the request's host wins,
        else the site imported first.
        """
        if not (value.isascii() and value.isdigit()) or len(value) > 18:
            return ""
        items = list(
            WordPressItem.objects.select_related("site", "article", "page")
            .filter(wordpress_id=int(value), kind__in=kinds)
            .order_by("site_id", "kind")[:20]
        )
        if not items:
            return ""
        host = host.lower()
        item = next((i for i in items if host and i.site.base_url.split("/")[0] == host), items[0])
        target = item.article or item.page
        if target is None:
            return ""
        if target.is_trashed:
            return GONE
        return target.get_absolute_url() if target.is_published() else ""

    @staticmethod
    def query_target(request) -> str:
        """Where WordPress's ``?cat=N`` or ``?author=N`` on this path leads ("" if nowhere)."""
        base = request.path if request.path.endswith("/") else request.path + "/"
        keys = []
        for name in QUERY_ADDRESSES:
            value = request.GET.get(name, "")
            if value.isascii() and value.isdigit() and len(value) <= 18:
                keys.append(f"{base}?{name}={int(value)}")
        if not keys or "\x00" in base:
            return ""
        redirect = (
            LegacyRedirect.objects.select_related("article", "tag", "page")
            .filter(old_path__in=keys)
            .first()
        )
        return redirect.get_target_url() if redirect is not None else ""

    @staticmethod
    def old_path_target(path: str) -> str:
        """
        Where an old address leads: itself, or the post address it is the
        feed or a comment page of ("" if nowhere, GONE for an article in the trash).
        """
        if "\x00" in path:
            return ""  # no imported address has one, and PostgreSQL refuses it in a query
        slashed = path if path.endswith("/") else path + "/"
        candidates = {path, slashed}
        feed, comment_page = _FEED.match(slashed), _COMMENT_PAGE.match(slashed)
        if feed:
            candidates.add(feed.group("post"))
        if comment_page:
            candidates.add(comment_page.group("post"))
        redirects = {
            redirect.old_path: redirect
            for redirect in LegacyRedirect.objects.select_related("article", "tag", "page").filter(
                old_path__in=candidates
            )
        }
        redirect = redirects.get(path) or redirects.get(slashed)
        if redirect is None:
            for match in (feed, comment_page):
                if match and match.group("post") in redirects:
                    return LegacyRedirectMiddleware._sub_target(
                        redirects[match.group("post")], match
                    )
            category = _CATEGORY.search(slashed)
            return (
                LegacyRedirectMiddleware.category_target(category.group("slug")) if category else ""
            )
        if redirect.article_id is not None and redirect.article.is_trashed:
            return GONE
        if redirect.page_id is not None and redirect.page.is_trashed:
            return GONE
        return redirect.get_target_url()

    @staticmethod
    def _sub_target(redirect: LegacyRedirect, match: re.Match[str]) -> str:
        """The feed or comment page (``match``) of what ``redirect`` leads to."""
        if redirect.article_id is not None and redirect.article.is_trashed:
            return GONE
        target = redirect.get_target_url()
        if not target:
            return ""
        if "number" in match.groupdict():
            return page_path(target, int(match.group("number"))) if redirect.article_id else ""
        if redirect.tag_id is not None:
            return target + "feed/"
        if redirect.article_id is not None:
            article = redirect.article
            has_feed = article.comments_open or article.comments.exists()
            return target + "feed/" if has_feed else target
        return target

    @staticmethod
    def category_target(slug: str) -> str:
        """A category's tag page by its own slug: a nested one's address without its parents."""
        term = (
            WordPressTerm.objects.select_related("tag")
            .filter(taxonomy=WordPressTerm.Taxonomy.CATEGORY, wordpress_slug=slug)
            .first()
        )
        return term.tag.get_absolute_url() if term is not None else ""
