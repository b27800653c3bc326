import contextlib
from functools import cached_property

from django.conf import settings
from django.contrib.sitemaps import views as sitemaps_views
from django.db import DatabaseError, OperationalError, connections
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponsePermanentRedirect,
    HttpResponseServerError,
)
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.views import View
from django.views.decorators.http import require_safe
from django.views.generic import ListView, MonthArchiveView, TemplateView

from pagecache import CachedPageMixin, cached_page
from posts import archives, pagination, queries, sitemaps
from posts.models import Article, Author, Outlet, Page, Tag, month_span
from posts.parts import article_parts
from posts.rendering import place_quotations, quotation_html
from posts.search import (
    MAX_QUERY_CHARACTERS,
    MAX_QUERY_TERMS,
    RANKED_MATCHES,
    bound_query,
    has_phrase,
    time_limit,
    timed_out,
)

ARTICLES_PER_PAGE = 10
# At most this many pages are listed above the articles a search finds.
PAGES_IN_SEARCH = 5


class PastTheLastPage(Http404):
    """A page number past pagination.MAX_PAGES: older articles are in the archive by month."""


class PublishedArticleMixin(CachedPageMixin):
    """
    Lists of articles: published ones only, newest first, ten to a page, at
    most MAX_PAGES pages (posts.pagination: no list counts more rows than
    those). ``.../page/1/`` is a permanent redirect to the list's own address,
    as on WordPress; a page past the last one is a 404, past MAX_PAGES a 404
    pointing to the archive. Cached for anonymous readers; they show comment
    counts.
    """

    page_cache_scopes = ("comments",)
    page_cache_query = ("page",)

    model = Article
    date_field = "pub_date"
    paginate_by = ARTICLES_PER_PAGE
    paginator_class = pagination.BoundedPaginator
    allow_empty = True

    def get(self, request, *args, **kwargs):
        page = kwargs.get(self.page_kwarg)
        if page == 0:
            raise Http404("Pages are numbered from 1.")
        if page == 1:
            query = request.META.get("QUERY_STRING", "")
            url = self.first_page_url()
            return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
        try:
            return super().get(request, *args, **kwargs)
        except PastTheLastPage:
            pages = pagination.MAX_PAGES
            page = {"max_pages": pages, "max_articles": pages * ARTICLES_PER_PAGE}
            return render(request, "posts/past_last_page.html", page, status=404)

    def paginate_queryset(self, queryset, page_size):
        number = self.kwargs.get(self.page_kwarg) or self.request.GET.get(self.page_kwarg)
        with contextlib.suppress(TypeError, ValueError):
            if int(number) > pagination.MAX_PAGES:
                raise PastTheLastPage(f"Lists stop at page {pagination.MAX_PAGES}.")
        return super().paginate_queryset(queryset, page_size)

    def get_context_data(self, **kwargs):
        """Adds ``older_archive``: on the last page of a list cut at MAX_PAGES, its next month."""
        context = super().get_context_data(**kwargs)
        page = context.get("page_obj")
        last_of_cut_list = page and page.paginator.truncated and not page.has_next() and len(page)
        if last_of_cut_list and page.paginator.object_list.query.order_by[:1] == ("-pub_date",):
            local = timezone.localtime(page[-1].pub_date)
            context["older_archive"] = {
                "url": reverse("posts:month", kwargs={"year": local.year, "month": local.month}),
                "month": local.date(),
            }
        return context

    def first_page_url(self) -> str:
        return reverse("posts:index")

    def get_queryset(self):
        # Authors and tags: one query for the page's articles when they are
        # shown (posts.summaries).
        return queries.published_listing(self.now)

    @cached_property
    def now(self):
        return timezone.now()


class PreparedListMixin:
    """
    A list of PublishedArticleMixin that every reader's cold render asks for,
    counted and paged with prepared queries (posts.pagination.PreparedPaginator):
    ``listing`` (a posts.queries function, its arguments' types in its type
    hints) builds it from ``listing_values()``. The view's queryset is lazy: once the
    queries are prepared, nothing builds it.
    """

    listing = None

    def listing_values(self) -> dict:
        return {"now": self.now}

    def get_queryset(self):
        return SimpleLazyObject(lambda: self.listing(**self.listing_values()))

    def get_template_names(self):
        return [self.template_name]  # not <model>_list.html, which reads the list

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return pagination.PreparedPaginator(
            queryset,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            build=self.listing,
            values=self.listing_values(),
        )


class ArticleIndexView(PreparedListMixin, PublishedArticleMixin, ListView):
    """The home page: the latest articles; /page/N/ for older ones."""

    template_name = "posts/article_index.html"
    context_object_name = "articles"
    listing = staticmethod(queries.published_listing)


class ArchiveIndexView(CachedPageMixin, TemplateView):
    """/archives/: the years from the first published article to the latest, newest first."""

    template_name = "posts/archive_index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(years=archives.published_years()[::-1], **kwargs)


class TagIndexView(CachedPageMixin, TemplateView):
    """/tags/: every tag with a published article, alphabetical, with how many (one query)."""

    template_name = "posts/tag_index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(tags=Tag.objects.with_published_articles(), **kwargs)


class ArticleYearArchiveView(CachedPageMixin, TemplateView):
    """
    /YYYY/: the year's months with how many articles each (in the site's time
    zone), each linking to its month; a 404 for a year without any.
    """

    template_name = "posts/article_year.html"

    def get_context_data(self, **kwargs):
        year = self.kwargs["year"]
        months = archives.month_counts(year)
        if not months:
            raise Http404("No articles that year.")
        kwargs.update(year=year)
        return super().get_context_data(
            months=months,
            total=sum(count for _, count in months),
            previous_year=archives.neighbour_year(year, later=False),
            next_year=archives.neighbour_year(year, later=True),
            **kwargs,
        )


class ArticleMonthArchiveView(PublishedArticleMixin, MonthArchiveView):
    """/YYYY/MM/: the month's articles, newest first, paginated like the home page."""

    template_name = "posts/article_archive.html"
    month_format = "%m"
    allow_empty = False
    context_object_name = "articles"

    def first_page_url(self) -> str:
        year, month = self.kwargs["year"], self.kwargs["month"]
        return reverse("posts:month", kwargs={"year": year, "month": month})

    def get_dated_queryset(self, **lookup):
        # No exists() query for an empty month: its paginator finds no first
        # page (allow_empty is False), a 404.
        return self.get_queryset().filter(**lookup)

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        return []  # The month's days: not shown.

    def get_next_month(self, date):
        return archives.neighbour_month(date.year, date.month, later=True)

    def get_previous_month(self, date):
        return archives.neighbour_month(date.year, date.month, later=False)

    def get_context_data(self, **kwargs):
        return super().get_context_data(page_base=self.first_page_url(), **kwargs)


def published_article_at(year: int, month: int, slug: str) -> Article | None:
    """The published article at /YYYY/MM/<slug>/ (one prepared query: posts.queries)."""
    span = month_span(year, month)
    if span is None:
        return None
    found = queries.published_article(now=timezone.now(), start=span[0], end=span[1], slug=slug)
    return found[0] if found else None


def can_preview(user) -> bool:
    """Staff who may read articles in the admin may also preview unpublished ones."""
    return user.is_active and user.is_staff and user.has_perm("posts.view_article")


ARTICLE_TEMPLATE = "posts/article_detail.html"


def render_article(
    request, article: Article, *, status: int = 200, parts: dict | None = None, **context
) -> HttpResponse:
    """
    The article page: the body with its quotations placed, the sources, the
    featured image and the comments; ``context`` adds to it (the comment view
    passes a bound form with its errors). ``parts`` gives the "authors",
    "tags" and "quotations" instead of the stored ones (posts.preview: an
    article as its form stands, unsaved).
    """
    if parts is None:
        # One query (posts.parts), not three prefetches.
        found = article_parts([article.pk], quotations=True)[article.pk]
        parts = {"authors": found.authors, "tags": found.tags, "quotations": found.quotations}
    body_html, sources = place_quotations(article.body_html, parts["quotations"])
    page = {
        "article": article,
        "authors": parts["authors"],
        "tags": parts["tags"],
        "body_html": body_html,
        "sources": sources,
        "sources_html": mark_safe("".join(quotation_html(quotation) for quotation in sources)),  # noqa: S308
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
    An article in the trash is 410 Gone, for everyone.
    """

    http_method_names = ["get", "head", "options"]
    page_cache_own_page = True
    page_cache_query = ("replytocom",)

    def get(self, request, year, month, slug):
        if can_preview(request.user):
            article = Article.objects.not_trashed().in_month(year, month).filter(slug=slug).first()
        else:
            article = published_article_at(year, month, slug)
        if article is None:
            # Only an address that finds nothing asks about the trash.
            if Article.objects.trashed().in_month(year, month).filter(slug=slug).exists():
                return gone(request, "article")
            raise Http404("No published article at this address.")
        return render_article(request, article)


def can_preview_pages(user) -> bool:
    """Staff who may read pages in the admin may also preview drafts."""
    return user.is_active and user.is_staff and user.has_perm("posts.view_page")


PAGE_TEMPLATE = "posts/page_detail.html"


def render_page(request, page: Page, *, status: int = 200, **context) -> HttpResponse:
    """
    A page: its body, links to the published pages under it and, when its
    comments are switched on, the comments; ``context`` adds to it (the
    comment view passes a bound form with its errors, or a page of comments).
    """
    # The published pages under it, in their order: "In this section".
    children = (
        page.children.published()
        .order_by("menu_order", "title")
        .only("title", "path", "parent")  # parent: the manager links each to the page
    )
    return render(
        request, PAGE_TEMPLATE, {"page": page, "children": children, **context}, status=status
    )


class PageView(CachedPageMixin, View):
    """
    /<path>/ (/about/, /about/team/...): a published page, with links to the
    published pages under it, at the catch-all address tried after every
    other one. Drafts are a 404 for readers; staff
    with access to pages see them with a preview notice. Cached for anonymous
    readers until anything in posts changes (posts.signals) or, for a page
    taking comments, its comments change.
    """

    http_method_names = ["get", "head", "options"]
    page_cache_own_page = True
    page_cache_query = ("replytocom",)

    def get(self, request, path):
        if "\x00" in path:
            raise Http404("No page has a NUL in its address.")  # PostgreSQL refuses it in a query
        pages = Page.objects.all() if can_preview_pages(request.user) else Page.objects.published()
        page = pages.select_related("parent").filter(path=path, trashed_at__isnull=True).first()
        if page is None:
            # In the trash (for everyone, staff too): 410 Gone, not a 404.
            if Page.objects.trashed().filter(path=path).exists():
                return gone(request, "page")
            raise Http404("No published page at this address.")
        return render_page(request, page)


class ArticleGroupView(PreparedListMixin, PublishedArticleMixin, ListView):
    """Articles belonging to one tag, author or outlet, paginated like the home page."""

    group_model = None
    template_name = "posts/article_group.html"
    context_object_name = "articles"

    def get(self, request, *args, **kwargs):
        self.group = queries.group_with_slug(self.group_model, kwargs["slug"])
        if self.group is None:
            raise Http404(f"No {self.group_model._meta.verbose_name} with that slug.")
        return super().get(request, *args, **kwargs)

    def listing_values(self) -> dict:
        return {"now": self.now, "group_id": self.group.pk}

    def first_page_url(self) -> str:
        return self.group.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            group=self.group, group_url=self.group.get_absolute_url(), **kwargs
        )


class TagView(ArticleGroupView):
    group_model = Tag
    listing = staticmethod(queries.tagged_listing)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            group_kind="Tag",
            group_feed_url=reverse("posts:tag-feed", kwargs={"slug": self.group.slug}),
            **kwargs,
        )


class AuthorView(ArticleGroupView):
    group_model = Author
    listing = staticmethod(queries.authored_listing)

    def get_context_data(self, **kwargs):
        return super().get_context_data(group_kind="Author", **kwargs)


class OutletView(ArticleGroupView):
    group_model = Outlet
    listing = staticmethod(queries.quoting_listing)

    def get_context_data(self, **kwargs):
        return super().get_context_data(group_kind="Articles quoting", **kwargs)


class SearchView(PublishedArticleMixin, ListView):
    """
    /search/?q=words: published articles matching the words, most relevant
    first on PostgreSQL (see ArticleQuerySet.search); ?page=N for more. The
    first page lists above them the PAGES_IN_SEARCH best pages matching
    (PageQuerySet.search, one more query). The query is cut to its first
    MAX_QUERY_CHARACTERS characters and MAX_QUERY_TERMS words, with a note
    saying so. On PostgreSQL every query of
    the page runs under settings.SEARCH_TIMEOUT_MS (statement_timeout); a
    search that takes longer is a 503 asking the reader to try again.
    """

    template_name = "posts/search.html"
    context_object_name = "articles"
    page_cache_query = ("q", "page")

    def get(self, request, *args, **kwargs):
        self.bounded = bound_query(request.GET.get("q", ""))
        using = Article.objects.db
        if connections[using].vendor != "postgresql":
            return super().get(request, *args, **kwargs)
        try:
            # The page is rendered inside the limit: its articles are read
            # while the template runs.
            with time_limit(using, settings.SEARCH_TIMEOUT_MS):
                response = super().get(request, *args, **kwargs)
                if hasattr(response, "render"):
                    response.render()
        except OperationalError as error:
            if not timed_out(error):
                raise
            return self.search_unavailable()
        return response

    def search_unavailable(self):
        """
        503 (not stored by the page cache, nor by browsers and proxies): the
        search took longer than its timeout, most likely because the database
        is busy. The page needs no database and keeps the reader's query.
        """
        page = loader.get_template("posts/search_unavailable.html").render(
            {"query": self.bounded.text, "max_characters": MAX_QUERY_CHARACTERS}
        )
        response = HttpResponse(page, status=503)
        response["Retry-After"] = "30"
        response["Cache-Control"] = "no-store"
        return response

    def get_queryset(self):
        return super().get_queryset().search(self.bounded.text)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            query=self.bounded.text,
            more_matches=getattr(self.object_list, "more_matches", False),
            ranked_matches=RANKED_MATCHES,
            phrase=has_phrase(self.bounded.text),
            query_cut=self.bounded.characters_dropped,
            terms_dropped=self.bounded.terms_dropped,
            max_characters=MAX_QUERY_CHARACTERS,
            max_terms=MAX_QUERY_TERMS,
            **kwargs,
        )
        # The pages matching, above the articles on the first page only (one query).
        page = context.get("page_obj")
        context["pages"] = (
            list(Page.objects.published().search(self.bounded.text)[:PAGES_IN_SEARCH])
            if page is None or page.number == 1
            else []
        )
        return context


@cached_page()
@require_safe
def sitemap_index(request):
    """
    /sitemap.xml: the sitemap index, one entry per section (and per page of a
    section longer than its limit). Cached until any article, tag, author or
    outlet changes; comments do not matter to it.
    """
    return sitemaps_views.index(
        request, sitemaps.sections(), sitemap_url_name="posts:sitemap-section"
    )


@cached_page(query=("p",))
@require_safe
def sitemap_section(request, section):
    """/sitemap-<section>.xml: one section of the sitemap (?p=N for its later pages)."""
    site = sitemaps.section(section)
    if site is None:
        raise Http404("No such sitemap section.")
    return sitemaps_views.sitemap(request, {section: site}, section=section)


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


def gone(request, kind: str = "article") -> HttpResponse:
    """
    410 Gone: the article (or page) at this address was removed (it is in the
    trash). Not stored by the page cache (only a 200 is), so restoring it
    shows it again at once.
    """
    return render(request, "410.html", {"kind": kind}, status=410)


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
