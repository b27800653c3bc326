import html
import re
from functools import lru_cache
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.postgres.search import SearchRank, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connections, models, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator

from posts import images
from posts.rendering import QUOTATION_MARKER, render_body
from posts.search import (
    RANKED_MATCHES,
    SearchDocument,
    has_phrase,
    newest_matches,
    search_query,
    title_matches,
)
from singletons.models import SingleRowModel

# What the <slug:...> converter in posts/urls.py accepts (reverse() leaves it as is).
ASCII_SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")


@lru_cache
def _posts_root(script_prefix: str) -> str:
    """Where posts/urls.py is mounted, e.g. "/" (reverse() once per script prefix)."""
    return reverse("posts:index")


def posts_path(name: str, tail: str, slug: str, **kwargs) -> str:
    """
    The address of an article, author, tag or outlet page: the same string as
    reverse(name, kwargs=...), without its cost for each of the dozens of links
    on a list page. Slugs reverse() would refuse or quote go through reverse().
    """
    if ASCII_SLUG.match(slug):
        return f"{_posts_root(get_script_prefix())}{tail}{slug}/"
    return reverse(name, kwargs={**kwargs, "slug": slug})


class SiteSettings(SingleRowModel):
    """The publication's masthead; a single row, edited in the admin."""

    name = models.CharField(
        max_length=200,
        default="The Democratic Strategist",
        help_text="The publication's name, shown in the masthead, titles and feeds.",
    )
    tagline = models.CharField(
        max_length=300,
        blank=True,
        default="Political Strategy for a Permanent Democratic Majority",
        help_text="One line under the name.",
    )
    place_line = models.CharField(
        max_length=100,
        blank=True,
        default="washington, dc",
        help_text="The dateline place shown in the masthead, e.g. “washington, dc”.",
    )

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"

    def __str__(self):
        return self.name


class Author(models.Model):
    name = models.CharField(max_length=200, help_text="The name printed in the byline.")
    slug = models.SlugField(
        max_length=200, unique=True, help_text="Used in the author's address: /author/<slug>/."
    )
    bio = models.TextField(blank=True, help_text="A short biography shown on the author's page.")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author",
        help_text="The staff account that writes as this author, if any.",
    )
    email = models.EmailField(
        blank=True,
        help_text="Private: never shown on the site.",
    )
    wordpress_login = models.CharField(
        max_length=60,
        blank=True,
        db_index=True,
        help_text="The author's login on the WordPress site this one was imported from.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return posts_path("posts:author", "author/", self.slug)


class Tag(models.Model):
    name = models.CharField(max_length=100, help_text="The tag as readers see it.")
    slug = models.SlugField(
        max_length=100, unique=True, help_text="Used in the tag's address: /tag/<slug>/."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return posts_path("posts:tag", "tag/", self.slug)


class Outlet(models.Model):
    """A publication quoted by articles, such as Politico or The New York Times."""

    name = models.CharField(max_length=200, help_text="E.g. “Politico”.")
    slug = models.SlugField(
        max_length=200, unique=True, help_text="Used in the address /source/<slug>/."
    )
    home_url = models.URLField(
        blank=True, help_text="The outlet's home page, e.g. https://www.politico.com/."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return posts_path("posts:source", "source/", self.slug)


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """
        Articles a reader may see: published (or scheduled) with a publication
        time that has come. A scheduled article needs no job to appear.
        """
        return self.filter(
            status__in=[Article.Status.PUBLISHED, Article.Status.SCHEDULED],
            pub_date__lte=timezone.now(),
        )

    def in_month(self, year: int, month: int):
        """Articles published in that month of the site's time zone (none for a bad month)."""
        if not 1 <= month <= 12:
            return self.none()
        tz = timezone.get_current_timezone()
        start = timezone.datetime(year, month, 1, tzinfo=tz)
        end = timezone.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
        return self.filter(pub_date__gte=start, pub_date__lt=end)

    def for_listing(self):
        """Prefetch what a list of articles shows, in a fixed number of queries."""
        return self.prefetch_related("authors", "tags")

    def with_comment_counts(self):
        """
        Annotate ``comment_count``: the approved comments of each article.
        A correlated subquery rather than a join and GROUP BY: the database
        counts only for the rows of the page, and the paginator's count()
        leaves it out.
        """
        comment_model = self.model._meta.get_field("comments").related_model
        approved = (
            comment_model.objects.filter(article=OuterRef("pk"), status="approved")
            .order_by()
            .values("article")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.annotate(
            comment_count=Coalesce(Subquery(approved, output_field=models.IntegerField()), 0)
        )

    def search(self, query: str):
        """
        Articles matching ``query`` (websearch syntax: words, "a phrase", or,
        -word), best first. On PostgreSQL (posts.search): of the articles whose
        stored search vector has all the words (GIN index), the RANKED_MATCHES
        newest, and when more have them the RANKED_MATCHES newest whose title
        has them all, ranked by relevance (title above dek above body) then
        newest first; a quoted phrase is looked for among those. Their ids are
        read at once (one query, two with the titles), so that counting and
        paginating read no more than those; ``more_matches`` on the result
        tells whether more articles have the words. On other databases: every
        word found in the title, dek or body, newest first.
        """
        words = query.split()
        if not words:
            return self.none()
        if connections[self.db].vendor == "postgresql":
            newest = newest_matches(self, query)
            full_query = search_query(query)
            candidates = set(newest[:RANKED_MATCHES])
            if len(newest) > RANKED_MATCHES:
                # Older articles whose title has the words are ranked too.
                candidates.update(title_matches(self, query))
            matches = self.filter(pk__in=candidates)
            if has_phrase(query):
                matches = matches.filter(search_vector=full_query)
            matches = matches.annotate(rank=SearchRank(F("search_vector"), full_query)).order_by(
                "-rank", "-pub_date", "-id"
            )
            # For SearchView: more articles have the words than were ranked.
            matches.more_matches = len(newest) > RANKED_MATCHES
            return matches
        matches = Q()
        for word in words:
            matches &= Q(title__icontains=word) | Q(dek__icontains=word) | Q(body__icontains=word)
        return self.filter(matches)


class ArticleManager(models.Manager.from_queryset(ArticleQuerySet)):
    def get_queryset(self):
        """Articles without their stored search vector (kilobytes, for the database's use)."""
        return super().get_queryset().defer("search_vector")


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"

    class BodyFormat(models.TextChoices):
        TEXT = "text", "Text with paragraphs"
        HTML = "html", "HTML"

    title = models.CharField(max_length=300, help_text="The headline.")
    slug = models.SlugField(
        max_length=200,
        unique_for_month="pub_date",
        help_text="The last part of the address /YYYY/MM/<slug>/; unique within a month.",
    )
    dek = models.TextField(
        blank=True,
        help_text="A one- or two-sentence summary shown in lists, feeds and link previews.",
    )
    body = models.TextField(
        help_text=(
            "Paragraphs separated by a blank line, or HTML (see the body format). Place a "
            "quotation with its marker, e.g. [quote 1] on a line of its own (in HTML, alone in "
            "a paragraph)."
        ),
    )
    body_format = models.CharField(
        "body format",
        max_length=10,
        choices=BodyFormat,
        default=BodyFormat.TEXT,
        help_text=(
            "Text with paragraphs: a blank line starts a new paragraph and a single line break "
            "stays a line break; HTML tags may be used inside. HTML: the body is HTML and is "
            "kept as it is, no paragraphs added (articles imported from WordPress). Either way "
            "only the allowed markup is shown: no scripts, styles or event attributes."
        ),
    )
    body_html = models.TextField(editable=False, blank=True)
    authors = models.ManyToManyField(
        Author, related_name="articles", blank=True, help_text="The byline, in order of names."
    )
    status = models.CharField(
        max_length=10,
        choices=Status,
        default=Status.DRAFT,
        db_index=True,
        help_text=(
            "Drafts are never shown. Published articles with a future publication time are "
            "scheduled and appear by themselves at that time."
        ),
    )
    pub_date = models.DateTimeField(
        "publication time",
        default=timezone.now,
        db_index=True,
        help_text="When the article appears; a future time schedules it.",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField("last updated", auto_now=True)
    featured_image = models.ImageField(
        upload_to="featured/%Y/%m/",
        blank=True,
        max_length=200,
        help_text=(
            "PNG, JPEG, WebP or GIF. Location and camera data are removed on upload and "
            "smaller copies are made for phones and lists."
        ),
    )
    featured_image_alt = models.CharField(
        "alt text",
        max_length=300,
        blank=True,
        help_text="Describes the image for readers who cannot see it. Required with an image.",
    )
    featured_image_caption = models.CharField(
        "caption", max_length=500, blank=True, help_text="Shown under the image; credit here."
    )
    image_renditions = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text=(
            "The featured image's size and its resized copies: "
            '{"original"|width: {"name", "width", "height"}}.'
        ),
    )
    tags = models.ManyToManyField(
        Tag, related_name="articles", blank=True, help_text="Topics; each has its own page."
    )
    comments_open = models.BooleanField(
        default=True, help_text="Readers may leave replies under this article."
    )
    wordpress_id = models.BigIntegerField(
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="The post's ID on the WordPress site it was imported from.",
    )

    search_vector = models.GeneratedField(
        expression=SearchDocument(("title", "A"), ("dek", "B"), ("body", "C")),
        output_field=SearchVectorField(),
        db_persist=True,
        editable=False,
        help_text=(
            "What full-text search looks in (PostgreSQL): the title, dek and body, "
            "kept up to date by the database."
        ),
    )

    objects = ArticleManager()

    class Meta:
        ordering = ["-pub_date", "-id"]
        get_latest_by = "pub_date"
        indexes = [models.Index(fields=["status", "-pub_date"])]

    def __str__(self):
        return self.title

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        # The stored image files, deleted once a new image replaces them
        # (unknown when the query deferred the image fields).
        if not {"featured_image", "image_renditions"} & article.get_deferred_fields():
            article._stored_image_files = article.image_files()
        return article

    def clean(self):
        super().clean()
        if self.featured_image and not self.featured_image_alt.strip():
            raise ValidationError(
                {"featured_image_alt": "Describe the image for readers who cannot see it."}
            )

    def _perform_date_checks(self, date_checks):
        """
        The slug's unique_for_month, checked against the address /YYYY/MM/<slug>/:
        Django's own check compares the month number alone (December 2026 with
        December 2027) and takes it from the datetime as given (UTC's month for a
        UTC value) instead of the site's time zone.
        """
        month_checks = [check for check in date_checks if check[1] == "month"]
        others = [check for check in date_checks if check[1] != "month"]
        errors = super()._perform_date_checks(others)
        for model_class, lookup_type, field, unique_for in month_checks:
            moment = getattr(self, unique_for)
            if moment is None:
                continue
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            local = timezone.localtime(moment)
            clashes = model_class._default_manager.in_month(local.year, local.month).filter(
                **{field: getattr(self, field)}
            )
            if not self._state.adding and self._is_pk_set():
                clashes = clashes.exclude(pk=self.pk)
            if clashes.exists():
                errors.setdefault(field, []).append(
                    self.date_error_message(lookup_type, field, unique_for)
                )
        return errors

    def save(self, *args, **kwargs):
        now = timezone.now()
        if self.status == self.Status.PUBLISHED and self.pub_date > now:
            self.status = self.Status.SCHEDULED
        elif self.status == self.Status.SCHEDULED and self.pub_date <= now:
            self.status = self.Status.PUBLISHED
        self.body_html = render_body(self.body, html=self.body_format == self.BodyFormat.HTML)
        if not self.featured_image:
            self.image_renditions = {}
        elif not self.featured_image._committed:
            self._store_featured_image()
        super().save(*args, **kwargs)
        self._delete_image_files_on_commit(
            getattr(self, "_stored_image_files", set()) - self.image_files(), kwargs.get("using")
        )
        self._stored_image_files = self.image_files()

    def delete(self, *args, **kwargs):
        files = self.image_files()
        result = super().delete(*args, **kwargs)
        self._delete_image_files_on_commit(files, kwargs.get("using"))
        return result

    def image_files(self) -> set[str]:
        """The names in storage of the featured image and its renditions."""
        names = {rendition["name"] for rendition in self.image_renditions.values()}
        if self.featured_image:
            names.add(self.featured_image.name)
        return names

    def _delete_image_files_on_commit(self, names: set[str], using=None) -> None:
        """Remove files no longer used, once the change is committed (never on a rollback)."""
        if not names:
            return
        storage = self.featured_image.storage

        def delete_files():
            for name in names:
                storage.delete(name)

        transaction.on_commit(delete_files, using=using or self._state.db)

    def _store_featured_image(self):
        """Re-encode a new featured image and make its renditions (see posts.images)."""
        cleaned = images.clean_image(self.featured_image)
        stem = PurePosixPath(self.featured_image.name).stem or "image"
        self.featured_image.save(
            f"{stem}.{cleaned.extension}", ContentFile(cleaned.content), save=False
        )
        self.image_renditions = {
            "original": {
                "name": self.featured_image.name,
                "width": cleaned.width,
                "height": cleaned.height,
            },
            **images.make_renditions(
                cleaned.image, self.featured_image.name, self.featured_image.storage
            ),
        }

    def get_absolute_url(self):
        local = timezone.localtime(self.pub_date)
        return posts_path(
            "posts:article",
            f"{local.year:04d}/{local.month:02d}/",
            self.slug,
            year=local.year,
            month=f"{local.month:02d}",
        )

    def is_published(self):
        """True when a reader may see the article (see ArticleQuerySet.published)."""
        return (
            self.status in (self.Status.PUBLISHED, self.Status.SCHEDULED)
            and self.pub_date <= timezone.now()
        )

    def summary(self, words: int = 40) -> str:
        """The dek, or without one the start of the body as plain text (for link previews)."""
        if self.dek:
            return self.dek
        text = html.unescape(strip_tags(QUOTATION_MARKER.sub(" ", self.body_html)))
        return Truncator(" ".join(text.split())).words(words)

    def featured_image_sources(self):
        """
        The featured image for an <img>: {"src", "srcset", "width", "height"}
        (srcset lists the renditions and the original), or None without one.
        """
        if not self.featured_image:
            return None
        storage = self.featured_image.storage
        original = self.image_renditions.get("original")
        if not original:
            return {"src": self.featured_image.url, "srcset": "", "width": "", "height": ""}
        sizes = sorted(
            (r for key, r in self.image_renditions.items() if key != "original"),
            key=lambda r: r["width"],
        )
        candidates = [*sizes, original]
        src = next((r for r in sizes if r["width"] >= 800), original)
        return {
            "src": storage.url(src["name"]),
            "srcset": ", ".join(f"{storage.url(r['name'])} {r['width']}w" for r in candidates),
            "width": original["width"],
            "height": original["height"],
        }


class Quotation(models.Model):
    """A passage an article quotes from other reporting, with its attribution."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="quotations")
    speaker = models.CharField(
        "who",
        max_length=200,
        help_text="Who said or reported it, e.g. “Gabriel Debenedetti”.",
    )
    outlet = models.ForeignKey(
        Outlet,
        on_delete=models.PROTECT,
        related_name="quotations",
        help_text="Where it appeared.",
    )
    source_url = models.URLField(
        "original URL", max_length=500, help_text="The address of the original piece."
    )
    text = models.TextField("passage", help_text="The quoted passage, as plain text.")
    order = models.PositiveSmallIntegerField(
        default=1,
        help_text="Its number: the marker [quote N] in the body places quotation N there.",
    )

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "order"], name="unique_quotation_order")
        ]

    def __str__(self):
        return f"{self.speaker}, {self.outlet}"

    @property
    def marker(self):
        return f"[quote {self.order}]"
