from django.urls import path, re_path

from comments import feeds, views

app_name = "comments"
urlpatterns = [
    path("comments/post/<int:article_id>/", views.post_comment, name="post"),
    path("feed/comments/", feeds.LatestCommentsFeed(), name="feed"),
    re_path(
        r"^(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<slug>[-\w]+)/feed/$",
        feeds.ArticleCommentsFeed(),
        name="article-feed",
    ),
]
