from django.urls import path, re_path

from comments import feeds, views

app_name = "comments"
urlpatterns = [
    path("comments/post/<int:article_id>/", views.post_comment, name="post"),
    path("comments/post/page/<int:page_id>/", views.post_page_comment, name="post-page"),
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
    # A page's (posts.Page) comment feed and pages of comments: before posts' page
    # catch-all. No page's path starts with tag/ (Page.clean), whose feeds are posts'.
    re_path(
        r"^(?!tag/)(?P<path>[-\w]+(?:/[-\w]+)*)/feed/$",
        feeds.PageCommentsFeed(),
        name="page-feed",
    ),
    re_path(
        r"^(?P<path>[-\w]+(?:/[-\w]+)*)/comment-page-(?P<page>[0-9]{1,9})/$",
        views.page_comment_page,
        name="page-comment-page",
    ),
    path("comment/<int:pk>/", views.comment_permalink, name="permalink"),
    path("comment/<int:pk>/held/", views.comment_held, name="held"),
    # Asked by comments.js: the form's timestamp, and what is personal on the page.
    path("comments/timestamp/<str:key>/", views.timestamp, name="timestamp"),
    path("comments/personal/<str:key>/", views.personal, name="personal"),
    path("comments/confirm/<str:token>/", views.confirm_subscription, name="confirm"),
    path("comments/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("comments/stop-all/<str:token>/", views.stop_all, name="stop-all"),
]
