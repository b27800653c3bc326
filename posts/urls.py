from django.urls import path, register_converter

from posts import feeds, views


class FourDigitYear:
    regex = "[0-9]{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):04d}"


class TwoDigitMonth:
    regex = "[0-9]{2}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):02d}"


register_converter(FourDigitYear, "yyyy")
register_converter(TwoDigitMonth, "mm")

app_name = "posts"
urlpatterns = [
    path("", views.ArticleIndexView.as_view(), name="index"),
    path("page/<int:page>/", views.ArticleIndexView.as_view(), name="index-page"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="feed-atom"),
    path("sitemap.xml", views.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", views.sitemap_section, name="sitemap-section"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("archives/", views.ArchiveIndexView.as_view(), name="archives"),
    path("tags/", views.TagIndexView.as_view(), name="tags"),
    path("<yyyy:year>/", views.ArticleYearArchiveView.as_view(), name="year"),
    path("<yyyy:year>/<mm:month>/", views.ArticleMonthArchiveView.as_view(), name="month"),
    path(
        "<yyyy:year>/<mm:month>/page/<int:page>/",
        views.ArticleMonthArchiveView.as_view(),
        name="month-page",
    ),
    path("<yyyy:year>/<mm:month>/<slug:slug>/", views.ArticleDetailView.as_view(), name="article"),
    path("tag/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("tag/<slug:slug>/page/<int:page>/", views.TagView.as_view(), name="tag-page"),
    path("tag/<slug:slug>/feed/", feeds.TagFeed(), name="tag-feed"),
    path("author/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("author/<slug:slug>/page/<int:page>/", views.AuthorView.as_view(), name="author-page"),
    path("source/<slug:slug>/", views.OutletView.as_view(), name="source"),
    path("source/<slug:slug>/page/<int:page>/", views.OutletView.as_view(), name="source-page"),
    # Last: any other address may be a page's (Page.clean refuses those above).
    path("<path:path>/", views.PageView.as_view(), name="page"),
]
