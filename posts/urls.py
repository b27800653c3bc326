from django.urls import path, register_converter

from posts import views


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
    path("<yyyy:year>/", views.ArticleYearArchiveView.as_view(), name="year"),
    path("<yyyy:year>/<mm:month>/", views.ArticleMonthArchiveView.as_view(), name="month"),
    path("<yyyy:year>/<mm:month>/<slug:slug>/", views.ArticleDetailView.as_view(), name="article"),
    path("tag/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("author/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("source/<slug:slug>/", views.OutletView.as_view(), name="source"),
]
