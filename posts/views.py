from django.http import Http404, HttpResponseServerError
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.utils import timezone
from django.views.generic import DetailView, ListView, MonthArchiveView, YearArchiveView

from posts.models import Article, Author, Outlet, Tag

ARTICLES_PER_PAGE = 10


class PublishedArticleMixin:
    """Readers see published articles only; logged-in staff may preview the rest."""

    model = Article
    date_field = "pub_date"
    paginate_by = ARTICLES_PER_PAGE
    allow_empty = True

    def get_queryset(self):
        return Article.objects.published().for_listing()


class ArticleIndexView(PublishedArticleMixin, ListView):
    template_name = "posts/article_index.html"
    context_object_name = "articles"


class ArticleYearArchiveView(PublishedArticleMixin, YearArchiveView):
    template_name = "posts/article_archive.html"
    make_object_list = True
    allow_empty = False
    context_object_name = "articles"


class ArticleMonthArchiveView(PublishedArticleMixin, MonthArchiveView):
    template_name = "posts/article_archive.html"
    month_format = "%m"
    allow_empty = False
    context_object_name = "articles"


class ArticleDetailView(DetailView):
    template_name = "posts/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        queryset = Article.objects.prefetch_related("authors", "tags", "quotations__outlet")
        if not self.request.user.is_staff:
            queryset = queryset.published()
        return queryset

    def get_object(self, queryset=None):
        queryset = self.get_queryset() if queryset is None else queryset
        year, month = self.kwargs["year"], self.kwargs["month"]
        if not 1 <= month <= 12:
            raise Http404("No such month.")
        tz = timezone.get_current_timezone()
        start = timezone.datetime(year, month, 1, tzinfo=tz)
        end = timezone.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
        return get_object_or_404(
            queryset, slug=self.kwargs["slug"], pub_date__gte=start, pub_date__lt=end
        )


class ArticleGroupView(PublishedArticleMixin, ListView):
    """Articles belonging to one tag, author or outlet."""

    group_model = None
    template_name = "posts/article_group.html"
    context_object_name = "articles"

    def get(self, request, *args, **kwargs):
        self.group = get_object_or_404(self.group_model, slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(group=self.group, **kwargs)


class TagView(ArticleGroupView):
    group_model = Tag

    def get_queryset(self):
        return super().get_queryset().filter(tags=self.group)


class AuthorView(ArticleGroupView):
    group_model = Author

    def get_queryset(self):
        return super().get_queryset().filter(authors=self.group)


class OutletView(ArticleGroupView):
    group_model = Outlet

    def get_queryset(self):
        return super().get_queryset().filter(quotations__outlet=self.group).distinct()


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # A plain template without context processors: the database may be what failed.
    return HttpResponseServerError(loader.get_template("500.html").render())
