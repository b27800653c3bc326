import html
import re
from datetime import datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.contrib.postgres.search import SearchRank, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import connections, models, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Lower
from django.urls import get_resolver, get_script_prefix, reverse
from django.utils import timezone
from django.utils.html import format_html, strip_tags
from django.utils.text import Truncator, slugify

from posts import images, rendering
from posts.rendering import QUOTATION_MARKER, body_image_names, render_body
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

    @classmethod
    def row_queryset(cls):
        """
        The row with ``comment_policy_path``: the path of the published page
        /comment-policy/, or None, read by a subquery of the same query (every
        page reads the masthead: the comment form's link costs no query).
        """
        policy = Page.objects.published().filter(path=COMMENT_POLICY_PATH).values("path")[:1]
        return cls.objects.annotate(comment_policy_path=Subquery(policy))

    @property
    def comment_policy_url(self) -> str:
        """The address of the published comment policy page, or "" (see load())."""
        path = getattr(self, "comment_policy_path", None)
        return f"{_posts_root(get_script_prefix())}{path}/" if path else ""


class Author(models.Model):
    name = models.CharField(max_length=200, help_text="The name printed in the byline.")
    slug = models.SlugField(
        max_length=200,
        unique=True,
        # Admin help texts are HTML: escaped, the placeholder shows as typed.
        help_text=format_html("Used in the author's address: {}.", "/author/<slug>/"),
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


class TagQuerySet(models.QuerySet):
    def with_published_articles(self):
        """
        Tags with at least one article readers may see, each annotated with
        ``article_count`` (those articles), alphabetical ignoring case: one query.
        """
        published = (
            Article.objects.published()
            .filter(tags=OuterRef("pk"))
            .order_by()
            .values("tags")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            self.annotate(article_count=Subquery(published, output_field=models.IntegerField()))
            .filter(article_count__gt=0)
            .order_by(Lower("name"), "slug")
        )


class Tag(models.Model):
    name = models.CharField(max_length=100, help_text="The tag as readers see it.")
    slug = models.SlugField(
        max_length=100,
        unique=True,
        help_text=format_html("Used in the tag's address: {}.", "/tag/<slug>/"),
    )

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @staticmethod
    def normalise_name(name: str) -> str:
        """A tag name as stored: spaces collapsed, at most 100 characters."""
        return " ".join(name.split())[:100].strip()

    @classmethod
    def for_name(cls, name: str) -> "Tag":
        """
        The tag called ``name`` (ignoring case and extra spaces), made when
        there is none, with a slug of its own (-2, -3... when taken).
        """
        name = cls.normalise_name(name)
        existing = cls.objects.filter(name__iexact=name).order_by("pk").first()
        if existing is not None:
            return existing
        base = slugify(name)[:90] or "tag"
        taken = set(cls.objects.filter(slug__startswith=base).values_list("slug", flat=True))
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        return cls.objects.create(name=name, slug=slug)

    def get_absolute_url(self):
        return posts_path("posts:tag", "tag/", self.slug)


class Outlet(models.Model):
    """A publication quoted by articles, such as Politico or The New York Times."""

    name = models.CharField(max_length=200, help_text="E.g. “Politico”.")
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text=format_html("Used in the address {}.", "/source/<slug>/"),
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


class TrashQuerySet(models.QuerySet):
    """Articles or pages in the trash, or not (see Trashable)."""

    def trashed(self):
        return self.filter(trashed_at__isnull=False)

    def not_trashed(self):
        return self.filter(trashed_at__isnull=True)

    def trash_expired(self, now=None):
        """Items in the trash for TRASH_RETENTION_DAYS days or more: the daily job deletes them."""
        days = settings.TRASH_RETENTION_DAYS
        return self.filter(trashed_at__lte=(now or timezone.now()) - timedelta(days=days))


class Trashable(models.Model):
    """
    Deleting in the admin moves an article or a page to the trash: readers get
    410 Gone at its address, editors may restore it for TRASH_RETENTION_DAYS
    days, then the daily job deletes it for good (posts.trash).
    """

    trashed_at = models.DateTimeField(
        "moved to the trash",
        null=True,
        blank=True,
        editable=False,
        help_text="When it was moved to the trash; empty when it is not in the trash.",
    )
    trashed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The staff account that moved it to the trash.",
    )

    class Meta:
        abstract = True

    @property
    def is_trashed(self) -> bool:
        return self.trashed_at is not None

    def trash_expires(self):
        """When the daily job deletes it for good (None when not in the trash)."""
        if self.trashed_at is None:
            return None
        return self.trashed_at + timedelta(days=settings.TRASH_RETENTION_DAYS)

    def move_to_trash(self, user=None) -> None:
        """Readers no longer see it (410 Gone at its address); restore() brings it back."""
        self.trashed_at = timezone.now()
        self.trashed_by = user if user is not None and user.is_authenticated else None
        self.save(update_fields=["trashed_at", "trashed_by"])

    def restore(self) -> None:
        """Take it out of the trash, as it was (published or not)."""
        self.trashed_at = None
        self.trashed_by = None
        self.save(update_fields=["trashed_at", "trashed_by"])


def month_span(year: int, month: int) -> tuple[datetime, datetime] | None:
    """The start of that month in the site's time zone and of the next (None: no such month)."""
    if not 1 <= month <= 12 or not 1 <= year < 9999:
        return None
    tz = timezone.get_current_timezone()
    start = datetime(year, month, 1, tzinfo=tz)
    return start, datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)


class ArticleQuerySet(TrashQuerySet):
    def published(self, now: datetime | None = None):
        """
        Articles a reader may see: published (or scheduled) with a publication
        time that has come (by ``now``, the current time unless given), and
        not in the trash. A scheduled article needs no job to appear.
        """
        return self.filter(
            status__in=[Article.Status.PUBLISHED, Article.Status.SCHEDULED],
            pub_date__lte=now or timezone.now(),
            trashed_at__isnull=True,
        )

    def in_month(self, year: int, month: int):
        """Articles published in that month of the site's time zone (none for a bad month)."""
        span = month_span(year, month)
        return self.none() if span is None else self.between(*span)

    def between(self, start: datetime, end: datetime):
        """Articles published from ``start`` up to, not including, ``end``."""
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


class Article(Trashable):
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
        help_text=format_html(
            "The last part of the address {}; unique within a month.", "/YYYY/MM/<slug>/"
        ),
    )
    dek = models.TextField(
        blank=True,
        help_text="A one- or two-sentence summary shown in lists, feeds and link previews.",
    )
    body = models.TextField(
        help_text=(
            "The article's text. Place a quoted source with “Insert quotation” (its marker "
            "[quote N] alone in a paragraph) and a picture with “Insert an image from the "
            "library”. Pasted text keeps its headings, emphasis, links, lists and tables only."
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
    body_images = models.ManyToManyField(
        "Image",
        related_name="articles",
        blank=True,
        editable=False,
        help_text="The library images the body shows, recorded on each save.",
    )
    wordpress_id = models.BigIntegerField(
        null=True,
        blank=True,
        db_index=True,
        editable=False,
        help_text="The post's ID on the WordPress site it was imported from (two sites may "
        "share an ID: wordpress.WordPressItem tells them apart).",
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
        indexes = [
            models.Index(fields=["status", "-pub_date"]),
            # The admin's Trash and the daily purge: a few rows, never the published ones.
            models.Index(
                fields=["trashed_at"],
                condition=Q(trashed_at__isnull=False),
                name="article_in_trash",
            ),
        ]

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
                if not clashes.not_trashed().exists():
                    message = ValidationError(
                        "An article in the trash has this slug in the same month: restore "
                        "and edit it, or choose another slug.",
                        code="unique_for_month",
                    )
                else:
                    message = self.date_error_message(lookup_type, field, unique_for)
                errors.setdefault(field, []).append(message)
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
        self._record_body_images()

    def _record_body_images(self):
        """Link the library images whose files the body shows (see posts.rendering)."""
        names = body_image_names(self.body_html)
        used = Image.objects.filter(file__in=names) if names else Image.objects.none()
        self.body_images.set(used)

    def delete(self, *args, **kwargs):
        files = self.image_files()
        result = super().delete(*args, **kwargs)
        self._delete_image_files_on_commit(files, kwargs.get("using"))
        return result

    def image_files(self) -> set[str]:
        """The names in storage of the featured image and its renditions."""
        return images.stored_names(self.featured_image, self.image_renditions)

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
        self.image_renditions = images.store_upload(self.featured_image)

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
        """
        True when a reader may see the article (see ArticleQuerySet.published);
        never for one not saved yet (a preview of the add form).
        """
        return (
            self.pk is not None
            and self.status in (self.Status.PUBLISHED, self.Status.SCHEDULED)
            and self.pub_date <= timezone.now()
            and self.trashed_at is None
        )

    def date_first_publication(self) -> bool:
        """
        Publishing an article readers have not seen yet (new, a draft, or
        scheduled for later) with a publication time that has passed dates it
        now: a draft started on 24 November and published on 2 December is
        dated 2 December. A future time schedules it; an article already
        published keeps its date. True when the time was moved to now (the
        caller saves).
        """
        if self.status not in (self.Status.PUBLISHED, self.Status.SCHEDULED):
            return False
        if self.pk and type(self).objects.published().filter(pk=self.pk).exists():
            return False
        now = timezone.now()
        if self.pub_date is None or self.pub_date <= now:
            self.pub_date = now
            return True
        return False

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
        return images.image_sources(self.featured_image, self.image_renditions)


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
        "quotation number",
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


class Image(models.Model):
    """
    A picture of the image library, placed in article bodies from the editor:
    re-encoded on upload, with smaller copies, like a featured image.
    """

    file = models.ImageField(
        upload_to="library/%Y/%m/",
        max_length=200,
        help_text=(
            "PNG, JPEG, WebP or GIF. Location and camera data are removed on upload and "
            "smaller copies are made for phones."
        ),
    )
    alt_text = models.CharField(
        "alt text",
        max_length=300,
        help_text="Describes the image for readers who cannot see it (required).",
    )
    caption = models.CharField(
        max_length=500, blank=True, help_text="Shown under the image in an article."
    )
    credit = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who made it, e.g. “Photo: Jane Doe / Reuters”; shown after the caption.",
    )
    renditions = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text=(
            "The image's size and its resized copies: "
            '{"original"|width: {"name", "width", "height"}}.'
        ),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The staff account that uploaded it.",
    )
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = "library image"

    def __str__(self):
        return self.caption or self.alt_text

    @classmethod
    def from_db(cls, db, field_names, values):
        image = super().from_db(db, field_names, values)
        if not {"file", "renditions"} & image.get_deferred_fields():
            image._stored_files = image.stored_files()
        return image

    def save(self, *args, **kwargs):
        if self.file and not self.file._committed:
            self.renditions = images.store_upload(self.file)
        super().save(*args, **kwargs)
        old = getattr(self, "_stored_files", set()) - self.stored_files()
        self._delete_files_on_commit(old, kwargs.get("using"))
        self._stored_files = self.stored_files()

    def delete(self, *args, **kwargs):
        """Delete the image and its files; refused while a published article or page shows it."""
        articles, pages = list(self.published_articles()), list(self.published_pages())
        if articles or pages:
            raise ImageInUse(self, articles, pages)
        files = self.stored_files()
        result = super().delete(*args, **kwargs)
        self._delete_files_on_commit(files, kwargs.get("using"))
        return result

    def published_articles(self):
        """The articles readers can see that show this image in their body."""
        return (
            Article.objects.published().filter(body_images=self).only("title", "slug", "pub_date")
        )

    def published_pages(self):
        """The pages readers can see that show this image in their body."""
        return Page.objects.published().filter(body_images=self).only("title", "path")

    def stored_files(self) -> set[str]:
        """The names in storage of the image and its renditions."""
        return images.stored_names(self.file, self.renditions)

    def _delete_files_on_commit(self, names: set[str], using=None) -> None:
        if not names:
            return
        storage = self.file.storage
        transaction.on_commit(
            lambda: [storage.delete(name) for name in names], using=using or self._state.db
        )

    def sources(self) -> dict | None:
        """{"src", "srcset", "width", "height"} for an <img> (see posts.images.image_sources)."""
        return images.image_sources(self.file, self.renditions)

    def figure_html(self) -> str:
        """
        The <figure> the editor inserts: the image with its srcset, and the
        caption and credit ("caption — credit") when there are any.
        """
        return rendering.figure_html(self)


class ImageInUse(Exception):
    """Deleting a library image that published articles or pages still show."""

    def __init__(self, image: Image, articles: list[Article], pages: list["Page"] = ()):
        self.image = image
        self.articles = articles
        self.pages = list(pages)
        titles = ", ".join(f"“{item.title}”" for item in [*articles, *self.pages])
        super().__init__(f"“{image}” is shown by published articles or pages: {titles}.")


# The first segments of addresses that a top-level page may never take, besides
# those of the URLconf (Page.reserved_first_segments): other apps' addresses,
# the web server's and WordPress's old ones.
RESERVED_PAGE_SLUGS = frozenset(
    {
        "admin",
        "static",
        "media",
        "feed",
        "feeds",
        "rss",
        "tag",
        "tags",
        "author",
        "authors",
        "source",
        "sources",
        "search",
        "archives",
        "archive",
        "sitemap",
        "sitemaps",
        "robots.txt",
        "favicon.ico",
        "comment",
        "comments",
        "page",
        "pages",
        "category",
        "wp-admin",
        "wp-content",
        "wp-includes",
        "wp-json",
        "wp-login.php",
        "xmlrpc.php",
        "preview",
        "accounts",
        "login",
        "logout",
        "api",
        "well-known",
        ".well-known",
    }
)
YEAR_SLUG = re.compile(r"\d{4}\Z")
# The addresses under every page, WordPress's: its comment feed and its pages
# of comments (/about/feed/, /about/comment-page-2/). No page takes them.
SUB_PAGE_SLUG = re.compile(r"(feed|comment-page-\d+)\Z")
# The page the comment form links to ("Please read our comment policy."):
# SiteSettings.load reads whether it is published.
COMMENT_POLICY_PATH = "comment-policy"


class PageQuerySet(TrashQuerySet):
    def published(self):
        """
        Pages a reader may see: published ones not in the trash (drafts only as
        a preview for staff).
        """
        return self.filter(status=Page.Status.PUBLISHED, trashed_at__isnull=True)

    def search(self, query: str):
        """
        Pages matching ``query``, best first. On PostgreSQL the stored search
        vector (title above dek above body) against websearch syntax, as for
        articles (a site has a few dozen pages: no index, no bound); on other
        databases every word in the title, dek or body, by title.
        """
        words = query.split()
        if not words:
            return self.none()
        if connections[self.db].vendor == "postgresql":
            full_query = search_query(query)
            return (
                self.filter(search_vector=full_query)
                .annotate(rank=SearchRank(F("search_vector"), full_query))
                .order_by("-rank", "title", "id")
            )
        matches = Q()
        for word in words:
            matches &= Q(title__icontains=word) | Q(dek__icontains=word) | Q(body__icontains=word)
        return self.filter(matches).order_by("title", "id")


class PageManager(models.Manager.from_queryset(PageQuerySet)):
    def get_queryset(self):
        """Pages without their stored search vector (for the database's use)."""
        return super().get_queryset().defer("search_vector")


class Page(Trashable):
    """
    Standing content (About, Masthead, Comment policy) served at its path,
    /about/ or nested under a parent page, /about/team/.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=300, help_text="The page's title.")
    slug = models.SlugField(
        max_length=100,
        help_text=format_html(
            "The last part of the page's address {} (under its parent page's address when "
            "it has one); unique among its parent's pages.",
            "/<slug>/",
        ),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The page this one sits under, e.g. “About” for /about/team/; none for a "
        "top-level page.",
    )
    path = models.CharField(
        max_length=500,
        unique=True,
        editable=False,
        help_text="The page's address without its slashes, e.g. “about/team”: the parent's "
        "path and the slug, kept up to date on save.",
    )
    dek = models.TextField(
        blank=True,
        help_text="A one- or two-sentence summary shown in search results and link previews.",
    )
    body = models.TextField(
        help_text=(
            "The page's text. Place a picture with “Insert an image from the library”. "
            "Pasted text keeps its headings, emphasis, links, lists and tables only."
        ),
    )
    body_format = models.CharField(
        "body format",
        max_length=10,
        choices=Article.BodyFormat,
        default=Article.BodyFormat.TEXT,
        help_text=(
            "Text with paragraphs: a blank line starts a new paragraph; HTML tags may be used "
            "inside. HTML: the body is HTML, kept as it is. Either way only the allowed markup "
            "is shown: no scripts, styles or event attributes."
        ),
    )
    body_html = models.TextField(
        editable=False,
        blank=True,
        help_text="The body as readers get it (cleaned HTML), made on save.",
    )
    body_images = models.ManyToManyField(
        "Image",
        related_name="pages",
        blank=True,
        editable=False,
        help_text="The library images the body shows, recorded on each save.",
    )
    status = models.CharField(
        max_length=10,
        choices=Status,
        default=Status.DRAFT,
        db_index=True,
        help_text="Drafts are never shown to readers; staff see them as a preview.",
    )
    menu_order = models.PositiveSmallIntegerField(
        "order",
        default=0,
        help_text="Where the page comes among its parent's pages (lower first).",
    )
    comments_open = models.BooleanField(
        default=False,
        help_text="Readers may leave replies under this page (off for most pages).",
    )
    published_at = models.DateTimeField(
        "first published",
        null=True,
        blank=True,
        editable=False,
        help_text="When the page was first published; set on publishing.",
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text="When the page was first saved.")
    updated_at = models.DateTimeField(
        "last updated", auto_now=True, help_text="When the page was last saved."
    )

    search_vector = models.GeneratedField(
        expression=SearchDocument(("title", "A"), ("dek", "B"), ("body", "C")),
        output_field=SearchVectorField(),
        db_persist=True,
        editable=False,
        help_text="What full-text search looks in (PostgreSQL): the title, dek and body.",
    )

    objects = PageManager()

    class Meta:
        ordering = ["path"]

    def __str__(self):
        return self.title

    @staticmethod
    def reserved_first_segments() -> set[str]:
        """
        The first segments a top-level page may not take: those of every
        address the URLconf answers (admin/, feed/, search/...) and the fixed
        RESERVED_PAGE_SLUGS. Read when a page is checked, never at import.
        """
        reserved = set(RESERVED_PAGE_SLUGS)
        reserved.update(_url_first_segments(get_resolver().url_patterns, ""))
        return reserved

    def clean(self):
        """
        A top-level slug must not take an address of the site (reserved
        segments, a four-digit year of the archives); the path must be free;
        a page cannot sit under itself or its own pages. Errors go beside the
        slug or the parent.
        """
        super().clean()
        slug = (self.slug or "").lower()
        if self.parent_id is None and slug:
            if YEAR_SLUG.match(slug):
                raise ValidationError(
                    {
                        "slug": f"“{self.slug}” is a year: /{self.slug}/ lists that year's "
                        "articles. Choose another slug, or put the page under a parent page."
                    }
                )
            if slug in self.reserved_first_segments() or slug.startswith("sitemap"):
                raise ValidationError(
                    {
                        "slug": f"/{self.slug}/ is an address of the site ({self.slug}). "
                        "Choose another slug, or put the page under a parent page."
                    }
                )
        if self.parent_id is not None and SUB_PAGE_SLUG.match(slug):
            raise ValidationError(
                {
                    "slug": f"“{self.slug}” is an address under every page (its comment feed "
                    "or a page of its comments). Choose another slug."
                }
            )
        if self.parent_id is not None and self.pk is not None:
            ancestor, seen = self.parent, set()
            while ancestor is not None and ancestor.pk not in seen:
                if ancestor.pk == self.pk:
                    raise ValidationError(
                        {"parent": "A page cannot sit under itself or one of its own pages."}
                    )
                seen.add(ancestor.pk)
                ancestor = ancestor.parent
        if slug:
            path = self.compute_path()
            clashes = Page.objects.filter(path=path)
            if self.pk is not None:
                clashes = clashes.exclude(pk=self.pk)
            if clashes.exists():
                where = ""
                if not clashes.not_trashed().exists():
                    where = " (it is in the trash: restore it, or wait until it is deleted)"
                raise ValidationError(
                    {
                        "slug": f"Another page already has the address /{path}/{where}. "
                        "Choose another slug."
                    }
                )

    def compute_path(self) -> str:
        """The parent's path and this slug, e.g. "about/team"."""
        if self.parent_id is None:
            return self.slug
        return f"{self.parent.path}/{self.slug}"

    def save(self, *args, **kwargs):
        """
        Render the body (the articles' pipeline, posts.rendering), date the
        first publication, store the path, and move the pages under this one
        when its path changed.
        """
        self.body_html = render_body(self.body, html=self.body_format == Article.BodyFormat.HTML)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        old_path = self.path
        self.path = self.compute_path()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "path", "body_html", "published_at"}
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                for child in self.children.all():
                    child.parent = self
                    child.save(update_fields=["path"])
        self._record_body_images()

    def _record_body_images(self):
        """Link the library images whose files the body shows (see posts.rendering)."""
        names = body_image_names(self.body_html)
        used = Image.objects.filter(file__in=names) if names else Image.objects.none()
        self.body_images.set(used)

    def get_absolute_url(self):
        return f"{_posts_root(get_script_prefix())}{self.path}/"

    def is_published(self) -> bool:
        """True when a reader may see the page (see PageQuerySet.published)."""
        return (
            self.pk is not None and self.status == self.Status.PUBLISHED and self.trashed_at is None
        )

    def move_to_trash(self, user=None) -> None:
        """The pages under this one go to the trash with it: their addresses are under its."""
        with transaction.atomic():
            super().move_to_trash(user)
            Page.objects.not_trashed().filter(path__startswith=f"{self.path}/").update(
                trashed_at=self.trashed_at, trashed_by=self.trashed_by
            )

    def restore(self) -> None:
        """
        Out of the trash with the pages that went with it, and the pages above
        it if they are in the trash (its address is under theirs).
        """
        trashed_at = self.trashed_at
        parts = self.path.split("/")
        above = ["/".join(parts[:depth]) for depth in range(1, len(parts))]
        with transaction.atomic():
            super().restore()
            Page.objects.filter(
                Q(path__in=above) | Q(path__startswith=f"{self.path}/", trashed_at=trashed_at)
            ).trashed().update(trashed_at=None, trashed_by=None)

    def summary(self, words: int = 40) -> str:
        """The dek, or without one the start of the body as plain text (for link previews)."""
        if self.dek:
            return self.dek
        text = html.unescape(strip_tags(self.body_html))
        return Truncator(" ".join(text.split())).words(words)


def _url_first_segments(patterns, prefix: str) -> set[str]:
    """
    The literal first segments of the addresses ``patterns`` answer (an
    include() at the root is followed), lowercased: "admin", "feed",
    "sitemap-<section>.xml" gives "sitemap-".
    """
    segments = set()
    for pattern in patterns:
        route = prefix + str(pattern.pattern).lstrip("^")
        if hasattr(pattern, "url_patterns") and not route:
            segments |= _url_first_segments(pattern.url_patterns, route)
            continue
        first = re.split(r"[/<(\[$\\?]", route, maxsplit=1)[0]
        if first:
            segments.add(first.lower())
    return segments
