"""
Create the benchmark's fixed data set in the configured database.

20 published articles with authors, tags and quotations; one with 50 approved
threaded comments, one with 200 approved comments three levels deep; a few
pending and spam comments. Prints a JSON description of the pages to load
(their paths and a text each must contain) on the last line of its output.

Run it against an empty, migrated database:
    DATABASE_URL=postgres://... .venv/bin/python bench/seed.py
"""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "strategist.settings")
    import django

    django.setup()


PARAGRAPH = (
    "Democrats keep winning arguments in focus groups and losing them in the counties that "
    "decide the Senate. The gap is not ideology but attention: who shows up, who is asked, "
    "and who is talked about rather than talked to."
)


def seed() -> dict:
    from django.db import transaction
    from django.utils import timezone

    from comments.models import Comment
    from posts.models import Article, Author, Outlet, Quotation, SiteSettings, Tag

    now = timezone.now()
    with transaction.atomic():
        SiteSettings.load()
        authors = [
            Author.objects.create(name=name, slug=name.lower().replace(" ", "-"))
            for name in ("Ruy Teixeira", "Ed Kilgore", "Andrew Levison", "Karen Ruth", "Sam Park")
        ]
        tags = [
            Tag.objects.create(name=name, slug=name.lower().replace(" ", "-"))
            for name in (
                "Swing Voters",
                "Working Class",
                "Midterms",
                "Polling",
                "Senate",
                "Turnout",
                "Messaging",
                "Suburbs",
            )
        ]
        outlets = [
            Outlet.objects.create(name=name, slug=slug, home_url=f"https://{slug}.example.com/")
            for name, slug in (
                ("Politico", "politico"),
                ("The New York Times", "nyt"),
                ("The Atlantic", "atlantic"),
                ("FiveThirtyEight", "fivethirtyeight"),
            )
        ]
        articles = []
        for number in range(20):
            slug = {0: "fifty-comments", 1: "two-hundred-comments"}.get(number, f"essay-{number}")
            article = Article.objects.create(
                title=f"Strategy memo {number}: where the majority is won",
                slug=slug,
                dek="Why the next majority runs through the counties we stopped visiting.",
                body="\n\n".join([PARAGRAPH, "[quote 1]", PARAGRAPH, PARAGRAPH]),
                status=Article.Status.PUBLISHED,
                pub_date=now - timedelta(days=number, hours=1),
            )
            article.authors.add(authors[number % 5], authors[(number + 2) % 5])
            article.tags.add(tags[number % 8], tags[(number + 3) % 8], tags[(number + 5) % 8])
            for order in (1, 2):
                Quotation.objects.create(
                    article=article,
                    speaker=f"Reporter {order}",
                    outlet=outlets[(number + order) % 4],
                    source_url=f"https://example.com/story/{number}/{order}",
                    text="Voters in these districts say nobody asks them anything.",
                    order=order,
                )
            articles.append(article)

        def thread(article, top: int, replies: int, third: int, prefix: str) -> list[Comment]:
            made = []
            submitted = now - timedelta(hours=20)

            def add(parent, number):
                nonlocal submitted
                submitted += timedelta(minutes=1)
                comment = Comment(
                    article=article,
                    parent=parent,
                    author_name=f"{prefix} Reader {number}",
                    author_email=f"{prefix.lower()}{number}@example.net",
                    body=f"Comment {number}: I agree with most of this, but the turnout numbers "
                    "tell a different story in the exurbs.",
                    status=Comment.Status.APPROVED,
                    submitted=submitted,
                    approved_at=submitted,
                )
                comment.save()
                made.append(comment)
                return comment

            tops = [add(None, n) for n in range(top)]
            seconds = [add(tops[n % top], top + n) for n in range(replies)]
            for n in range(third):
                add(seconds[n % len(seconds)], top + replies + n)
            return made

        thread(articles[0], 20, 20, 10, "Fifty")
        thread(articles[1], 50, 100, 50, "Deep")
        for number, status in enumerate(
            [Comment.Status.PENDING] * 3 + [Comment.Status.SPAM] * 2 + [Comment.Status.TRASH]
        ):
            Comment(
                article=articles[number % 3],
                author_name=f"Held Reader {number}",
                author_email=f"held{number}@example.net",
                body="Buy cheap watches http://spam.example.com/",
                status=status,
            ).save()

    fifty, deep = articles[0], articles[1]
    return {
        "home": {"path": "/", "expect": ["Strategy memo 0", "Strategist"]},
        "article_50": {"path": fifty.get_absolute_url(), "expect": [fifty.title, "Fifty Reader 7"]},
        "article_200": {
            "path": deep.get_absolute_url(),
            "expect": [deep.title, "Deep Reader 199"],
        },
        "tag": {"path": tags[0].get_absolute_url(), "expect": ["Swing Voters", "Strategy memo"]},
        "feed": {"path": "/feed/", "expect": ["<rss", "Strategy memo 0"]},
    }


def pages_from_database() -> dict:
    """
    The pages to load from whatever data is there (an imported WordPress
    export): the two published articles with the most approved comments (the
    busier as article_200, the other as article_50), the tag with the most articles, the home page
    and the feed; comments are posted to a third article.
    """
    from django.db.models import Count, Q

    from comments.models import Comment
    from posts.models import Article, Tag

    articles = list(
        Article.objects.published()
        .annotate(approved=Count("comments", filter=Q(comments__status=Comment.Status.APPROVED)))
        .order_by("-approved", "-pub_date")[:3]
    )
    if len(articles) < 3:
        raise SystemExit("The data set needs at least three published articles.")

    def described(article) -> dict:
        names = list(
            Comment.objects.filter(article=article, status=Comment.Status.APPROVED)
            .order_by("-pk")
            .values_list("author_name", flat=True)[:1]
        )
        # The title as the page shows it (escaped), and a commenter's name.
        expect = [escape(article.title)] + [escape(name) for name in names]
        return {
            "path": article.get_absolute_url(),
            "expect": expect,
            "note": f"{article.title} ({article.approved} approved comments)",
        }

    tag = Tag.objects.annotate(count=Count("articles")).order_by("-count", "pk").first()
    newest = Article.objects.published().order_by("-pub_date").first()
    # The busier of the two in the article_200 row.
    fewer, more = sorted(articles[:2], key=lambda article: article.approved)
    return {
        "home": {"path": "/", "expect": [escape(newest.title)]},
        "article_50": described(fewer),
        "article_200": described(more),
        "tag": {"path": tag.get_absolute_url(), "expect": [escape(tag.name)]},
        "feed": {"path": "/feed/", "expect": ["<rss"]},
        "post_to": articles[2].get_absolute_url(),
    }


def escape(text: str) -> str:
    from django.utils.html import escape as html_escape

    return str(html_escape(text))


if __name__ == "__main__":
    setup_django()
    if "--from-database" in sys.argv[1:]:
        print(json.dumps(pages_from_database()))
    else:
        print(json.dumps(seed()))
