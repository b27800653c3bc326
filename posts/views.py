import contextlib

from django.contrib.sitemaps import views as sitemaps_views
from django.db import DatabaseError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponsePermanentRedirect,
    HttpResponseServerError,
)
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.views import View
from django.views.decorators.http import require_safe
from django.views.generic import ListView, MonthArchiveView, YearArchiveView

from pagecache import CachedPageMixin, cached_page
from posts.models import Article, Author, Outlet, Quotation, Tag
from posts.rendering import place_quotations

ARTICLES_PER_PAGE = 10


class PublishedArticleMixin(CachedPageMixin):
    """
    Lists of articles: published ones only, newest first, ten to a page.
    ``.../page/1/`` is a permanent redirect to the list's own address, as on
    WordPress; a page past the last one is a 404. Cached for anonymous
    readers; they show comment counts.
    """

    page_cache_scopes = ("comments",)
    page_cache_query = ("page",)

    model = Article
    date_field = "pub_date"
    paginate_by = ARTICLES_PER_PAGE
    allow_empty = True

    def get(self, request, *args, **kwargs):
        page = kwargs.get(self.page_kwarg)
        if page == 0:
            raise Http404("Pages are numbered from 1.")
        if page == 1:
            query = request.META.get("QUERY_STRING", "")
            url = self.first_page_url()
            return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
        return super().get(request, *args, **kwargs)

    def first_page_url(self) -> str:
        return reverse("posts:index")

    def get_queryset(self):
        # An explicit order: Meta.ordering is not applied to the GROUP BY
        # query that counting comments makes.
        return (
            Article.objects.published()
            .for_listing()
            .with_comment_counts()
            .order_by("-pub_date", "-id")
        )


class ArticleIndexView(PublishedArticleMixin, ListView):
    """The home page: the latest articles; /page/N/ for older ones."""

    template_name = "posts/article_index.html"
    context_object_name = "articles"


class ArticleYearArchiveView(PublishedArticleMixin, YearArchiveView):
    template_name = "posts/article_archive.html"
    make_object_list = True
    allow_empty = False
    paginate_by = None
    context_object_name = "articles"


class ArticleMonthArchiveView(PublishedArticleMixin, MonthArchiveView):
    template_name = "posts/article_archive.html"
    month_format = "%m"
    allow_empty = False
    paginate_by = None
    context_object_name = "articles"


def can_preview(user) -> bool:
    """Staff who may read articles in the admin may also preview unpublished ones."""
    return user.is_active and user.is_staff and user.has_perm("posts.view_article")


ARTICLE_TEMPLATE = "posts/article_detail.html"


def render_article(request, article: Article, *, status: int = 200, **context) -> HttpResponse:
    """
    The article page: the body with its quotations placed, the sources, the
    featured image and the comments; ``context`` adds to it (the comment view
    passes a bound form with its errors).
    """
    prefetch_related_objects(
        [article],
        "authors",
        "tags",
        Prefetch("quotations", queryset=Quotation.objects.select_related("outlet")),
    )
    body_html, sources = place_quotations(article.body_html, article.quotations.all())
    page = {
        "article": article,
        "body_html": body_html,
        "sources": sources,
        "image": article.featured_image_sources(),
        **context,
    }
    return render(request, ARTICLE_TEMPLATE, page, status=status)


class ArticleDetailView(CachedPageMixin, View):
    """
    /YYYY/MM/<slug>/: a published article, with its quotations placed in the
    body or listed as sources. Drafts and scheduled articles are a 404 for
    readers; staff with access to articles see them with a preview notice.
    Cached for anonymous readers until the article or its comments change.
    """

    http_method_names = ["get", "head", "options"]
    page_cache_own_page = True
    page_cache_query = ("replytocom",)

    def get(self, request, year, month, slug):
        articles = (
            Article.objects.all() if can_preview(request.user) else Article.objects.published()
        )
        return render_article(request, get_object_or_404(articles.in_month(year, month), slug=slug))


class ArticleGroupView(PublishedArticleMixin, ListView):
    """Articles belonging to one tag, author or outlet, paginated like the home page."""

    group_model = None
    template_name = "posts/article_group.html"
    context_object_name = "articles"

    def get(self, request, *args, **kwargs):
        self.group = get_object_or_404(self.group_model, slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def first_page_url(self) -> str:
        return self.group.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            group=self.group, group_url=self.group.get_absolute_url(), **kwargs
        )


class TagView(ArticleGroupView):
    group_model = Tag

    def get_queryset(self):
        return super().get_queryset().filter(tags=self.group)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            group_kind="Tag",
            group_feed_url=reverse("posts:tag-feed", kwargs={"slug": self.group.slug}),
            **kwargs,
        )


class AuthorView(ArticleGroupView):
    group_model = Author

    def get_queryset(self):
        return super().get_queryset().filter(authors=self.group)

    def get_context_data(self, **kwargs):
        return super().get_context_data(group_kind="Author", **kwargs)


class OutletView(ArticleGroupView):
    group_model = Outlet

    def get_queryset(self):
        quoting = Quotation.objects.filter(outlet=self.group).values("article_id")
        return super().get_queryset().filter(pk__in=quoting)

    def get_context_data(self, **kwargs):
        return super().get_context_data(group_kind="Articles quoting", **kwargs)


class SearchView(PublishedArticleMixin, ListView):
    """
    /search/?q=words: published articles matching the words, most relevant
    first on PostgreSQL (see ArticleQuerySet.search); ?page=N for more.
    """

    template_name = "posts/search.html"
    context_object_name = "articles"
    page_cache_query = ("q", "page")

    def get_queryset(self):
        # PostgreSQL text cannot hold NUL characters.
        self.query = self.request.GET.get("q", "").replace("\x00", "").strip()[:200]
        return super().get_queryset().search(self.query)

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.query, **kwargs)


# The sitemap, cached like the lists.
sitemap = cached_page("comments")(sitemaps_views.sitemap)


@require_safe
def robots_txt(request):
    """Let crawlers read everything public, point them at the sitemap, keep them out of admin."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('posts:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request):
    """/favicon.ico, which browsers and crawlers ask for whatever a page links to."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def csrf_failure(request, reason=""):
    """
    403 for a form sent without this site's CSRF cookie or token (cookies
    blocked, a page left open for days). A reader's comment comes back to copy,
    with a link to its article; the page itself needs no database.
    """
    text = request.POST.get("comment", "") if request.method == "POST" else ""
    article = None
    match = request.resolver_match
    if text and match and match.view_name == "comments:post":
        with contextlib.suppress(DatabaseError):
            article = Article.objects.published().filter(pk=match.kwargs["article_id"]).first()
    page = loader.get_template("403_csrf.html").render({"text": text, "article": article})
    return HttpResponseForbidden(page)


def server_error(request):
    # A plain template without context processors: the database may be what failed.
    return HttpResponseServerError(loader.get_template("500.html").render())
