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
    # WordPress's pages of comments.
    re_path(
        r"^(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<slug>[-\w]+)/comment-page-(?P<page>[0-9]{1,9})/$",
        views.comment_page,
        name="comment-page",
    ),
    path("comment/<int:pk>/", views.comment_permalink, name="permalink"),
    path("comments/confirm/<str:token>/", views.confirm_subscription, name="confirm"),
    path("comments/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("comments/stop-all/<str:token>/", views.stop_all, name="stop-all"),
]
