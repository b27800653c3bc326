"""
Comment pages, as WordPress's "Break comments into pages" (Discussion settings).

Threads (a top-level comment with all its replies) are never split. Pages are
numbered from the oldest threads: page 1 holds the first ``comments_per_page``
top-level comments, so ``/YYYY/MM/<slug>/comment-page-N/`` addresses imported
from WordPress show the same comments. The article's own address shows the
first or the last page (``default_comments_page``); that page's numbered
address redirects to the article. ``comment_order`` puts older or newer threads
at the top of each page. A reader's own held comments count like approved ones
on the pages they see. A page (posts.Page) that takes comments has them the
same way: ``/<page path>/comment-page-N/``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from comments.models import Comment, DiscussionSettings, ShownAsComment, target_key
from comments.threads import ThreadNode, build_thread
from prepared import PreparedQuery


@dataclass(slots=True)
class ShownComment(ShownAsComment):
    """
    A comment as a page shows it: what build_thread() and render_comment()
    read, not the raw text and the private fields. A plain row, not a model
    instance: an article page reads hundreds of them on every cold render.
    """

    pk: int
    parent_id: int | None
    author_name: str
    author_url: str
    body_html: str
    status: str
    submitted: datetime
    user_id: int | None  # the publication's badge


SHOWN_FIELDS = tuple(name for name in ShownComment.__dataclass_fields__)


def shown_rows(target, own_ids: tuple[int, ...] = ()) -> list[tuple]:
    """The rows (SHOWN_FIELDS) of Comment.objects.for_target_page(target, own_ids), oldest first."""
    if own_ids or target.pk is None:
        return list(Comment.objects.for_target_page(target, own_ids).values_list(*SHOWN_FIELDS))
    return _approved_rows(target._meta.concrete_model)(pk=target.pk)


@cache
def _approved_rows(model) -> PreparedQuery:
    """The approved comments of an article or a page (``model``), read on every cold render."""
    return PreparedQuery(
        lambda pk: Comment.objects.for_target_page(model(pk=pk)).values_list(*SHOWN_FIELDS),
        pk=int,
    )


def page_path(article_path: str, number: int) -> str:
    """WordPress's address of a page of comments."""
    return f"{article_path}comment-page-{int(number)}/"


def page_count(threads: int, discussion: DiscussionSettings) -> int:
    """How many pages ``threads`` top-level comments fill (at least one)."""
    if not discussion.page_comments:
        return 1
    return max(1, math.ceil(threads / max(1, discussion.comments_per_page)))


def default_page(count: int, discussion: DiscussionSettings) -> int:
    """The page the article's own address shows."""
    last = discussion.default_comments_page == DiscussionSettings.DefaultPage.LAST
    return count if discussion.page_comments and last else 1


def split_threads(nodes: list[ThreadNode]) -> list[list[ThreadNode]]:
    """build_thread()'s nodes, one list per top-level comment (depth 1 starts one)."""
    threads: list[list[ThreadNode]] = []
    for node in nodes:
        if node.depth == 1 or not threads:
            threads.append([])
        threads[-1].append(node)
    return threads


@dataclass
class CommentPages:
    """The comments of an article as one reader sees them, and the page shown."""

    discussion: DiscussionSettings
    comments: list[ShownComment]
    threads: list[list[ThreadNode]]
    number: int
    count: int
    default: int
    article_path: str
    nodes: list[ThreadNode] = field(default_factory=list)

    @property
    def paged(self) -> bool:
        return self.discussion.page_comments and self.count > 1

    def url(self, number: int) -> str:
        """The address of page ``number``: the article's own for the default page."""
        return self.article_path if number == self.default else page_path(self.article_path, number)

    @property
    def current_url(self) -> str:
        return self.url(self.number)

    @property
    def previous_url(self) -> str | None:
        return self.url(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url(self.number + 1) if self.number < self.count else None

    def page_links(self) -> list[tuple[int, str]]:
        return [(number, self.url(number)) for number in range(1, self.count + 1)]

    def page_of(self, comment_id: int) -> int | None:
        """The page showing this comment (None: not shown to this reader)."""
        per_page = max(1, self.discussion.comments_per_page) if self.discussion.page_comments else 0
        for index, thread in enumerate(self.threads):
            if any(node.comment.pk == comment_id for node in thread):
                return index // per_page + 1 if per_page else 1
        return None


def comment_pages(
    request,
    article,
    number: int | None = None,
    discussion: DiscussionSettings | None = None,
    own_ids: tuple[int, ...] = (),
) -> CommentPages:
    """
    The article's (or page's) comments for this reader (two queries: the Discussion
    settings and the comments), threaded and cut to page ``number`` (None:
    the default page). Kept on the request: the page's <head> and its
    comments section both read it. ``number`` past the last page leaves
    ``nodes`` empty (the caller answers 404). The pages every reader is
    served show approved comments only; ``own_ids`` (the reader's own, from
    the comment_pending cookie) are counted in only for that reader's
    personal requests (views.personal, views.comment_permalink).
    """
    memo = request.__dict__.setdefault("_comment_pages", {})
    key = (target_key(article), number, tuple(own_ids))
    if key in memo:
        return memo[key]
    discussion = discussion or DiscussionSettings.load()
    comments = [ShownComment(*row) for row in shown_rows(article, own_ids)]
    threads = split_threads(build_thread(comments, discussion.thread_depth))
    count = page_count(len(threads), discussion)
    default = default_page(count, discussion)
    shown = default if number is None else number
    if discussion.page_comments:
        per_page = max(1, discussion.comments_per_page)
        on_page = threads[(shown - 1) * per_page : shown * per_page] if shown >= 1 else []
        if discussion.comment_order == DiscussionSettings.PageOrder.NEWEST:
            on_page = on_page[::-1]
    else:
        on_page = threads if shown == 1 else []
    result = CommentPages(
        discussion=discussion,
        comments=comments,
        threads=threads,
        number=shown,
        count=count,
        default=default,
        article_path=article.get_absolute_url(),
        nodes=[node for thread in on_page for node in thread],
    )
    memo[key] = result
    return result
