from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, validate_email
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone

from comments.sanitize import sanitize_comment
from singletons.models import SingleRowModel


def _lines(text: str) -> list[str]:
    """The non-empty lines of a text field, stripped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class DiscussionSettings(SingleRowModel):
    """
    WordPress's Settings > Discussion: the rules applied to every new comment.
    A single row, edited in the admin.
    """

    class ApprovalPolicy(models.TextChoices):
        HOLD_ALL = "hold_all", "Hold every comment for approval"
        KNOWN_AUTHORS = (
            "known_authors",
            "Approve automatically when the same name and email already have an approved comment",
        )
        APPROVE = "approve", "Approve every comment that passes the other checks"

    approval_policy = models.CharField(
        max_length=20,
        choices=ApprovalPolicy,
        default=ApprovalPolicy.KNOWN_AUTHORS,
        help_text="Which comments appear at once and which wait in the moderation queue.",
    )
    max_links = models.PositiveSmallIntegerField(
        "maximum links",
        default=2,
        help_text="Hold a comment in the queue when it contains more links than this.",
    )
    hold_words = models.TextField(
        blank=True,
        help_text=(
            "One word, phrase or IP address per line. A comment whose text, name, email, "
            "website, IP address or browser contains one of them is held for moderation. "
            "Case is ignored; parts of words match (“press” matches “WordPress”)."
        ),
    )
    disallowed_words = models.TextField(
        blank=True,
        help_text=(
            "One word, phrase or IP address per line, matched like the hold words. "
            "A matching comment goes straight to the trash."
        ),
    )
    close_after_days = models.PositiveIntegerField(
        "close comments after (days)",
        default=0,
        help_text="Close comments on articles older than this many days; 0 keeps them open.",
    )
    thread_depth = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="How many levels of replies are shown nested; 1 means no replies to replies.",
    )
    moderator_emails = models.TextField(
        "moderator email addresses",
        blank=True,
        help_text="One address per line. Each is emailed when a comment is held for moderation.",
    )

    class DefaultPage(models.TextChoices):
        LAST = "last", "Last page (the newest comments)"
        FIRST = "first", "First page (the oldest comments)"

    class PageOrder(models.TextChoices):
        OLDEST = "oldest", "Older comments at the top of each page"
        NEWEST = "newest", "Newer comments at the top of each page"

    page_comments = models.BooleanField(
        "break comments into pages",
        default=False,
        help_text="Show the comments of long discussions on several pages, as WordPress does.",
    )
    comments_per_page = models.PositiveSmallIntegerField(
        "top-level comments per page",
        default=50,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text="Each page shows this many comments that answer the article, with their replies.",
    )
    default_comments_page = models.CharField(
        "page shown first",
        max_length=10,
        choices=DefaultPage,
        default=DefaultPage.LAST,
        help_text="Which page of comments the article's own address shows.",
    )
    comment_order = models.CharField(
        "order on each page",
        max_length=10,
        choices=PageOrder,
        default=PageOrder.OLDEST,
        help_text="Pages are numbered from the oldest comments; this orders the threads on a page.",
    )

    class Meta:
        verbose_name = "discussion settings"
        verbose_name_plural = "discussion settings"

    def __str__(self):
        return "Discussion settings"

    def clean(self):
        for address in self.moderator_email_list():
            try:
                validate_email(address)
            except ValidationError:
                raise ValidationError(
                    {"moderator_emails": f"“{address}” is not a valid email address."}
                ) from None

    def hold_word_list(self) -> list[str]:
        return _lines(self.hold_words)

    def disallowed_word_list(self) -> list[str]:
        return _lines(self.disallowed_words)

    def moderator_email_list(self) -> list[str]:
        """The moderator addresses, one per line (commas also separate them)."""
        addresses = ",".join(_lines(self.moderator_emails)).split(",")
        return [address.strip() for address in addresses if address.strip()]

    def comments_open_for(self, article) -> bool:
        """
        False when the article's (or page's) switch is off or the article is
        older than close_after_days. An article readers cannot see yet is not
        "older": its age counts from its publication (a draft started weeks
        ago and published today is dated today). Pages do not close by age
        (as on WordPress): their switch alone decides.
        """
        if not article.comments_open:
            return False
        if is_page(article):
            return True
        if self.close_after_days and article.is_published():
            return article.pub_date >= timezone.now() - timedelta(days=self.close_after_days)
        return True


class CommentQuerySet(models.QuerySet):
    """
    Every status change goes through approve(), mark_spam(), trash() and
    restore(), so there is one place to hook anything that must follow one.
    """

    def approved(self):
        """Comments every reader may see."""
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def on(self, target):
        """The comments answering ``target``, an article or a page."""
        return self.filter(**target_fields(target))

    def for_target_page(self, target, own_ids=()):
        """
        In one query: the approved comments of ``target`` (an article or a
        page), plus the not yet approved ones whose ids are in own_ids (the
        reader's own comments). None for one not saved yet (a preview of an
        add form).
        """
        if target.pk is None:
            return self.none()
        visible = Q(status=Comment.Status.APPROVED)
        if own_ids:
            visible |= Q(pk__in=list(own_ids))
        return self.filter(visible, **target_fields(target)).order_by("submitted", "id")

    # The name from before pages took comments.
    for_article_page = for_target_page

    def _change_status(self, queryset, **changes) -> int:
        """Update the status of ``queryset``; pages showing those comments are rebuilt."""
        rows = list(queryset.values_list("pk", "article_id", "page_id"))
        count = queryset.update(**changes)
        if count:
            comments_changed.send(
                sender=Comment,
                article_ids={article_id for _, article_id, _ in rows if article_id},
                page_ids={page_id for _, _, page_id in rows if page_id},
                comment_ids=[pk for pk, _, _ in rows],
                status=changes.get("status"),
            )
        return count

    def approve(self, by=None) -> int:
        """Approve, recording who and when; comments already approved are left alone."""
        return self._change_status(
            self.exclude(status=Comment.Status.APPROVED),
            status=Comment.Status.APPROVED,
            approved_at=timezone.now(),
            approved_by=by,
        )

    def mark_spam(self) -> int:
        """Mark as spam, remembering each comment's status for restore()."""
        return self._change_status(
            self.exclude(status=Comment.Status.SPAM),
            status=Comment.Status.SPAM,
            status_before=F("status"),
        )

    def trash(self) -> int:
        """Move to the trash, remembering each comment's status for restore()."""
        return self._change_status(
            self.exclude(status=Comment.Status.TRASH),
            status=Comment.Status.TRASH,
            status_before=F("status"),
        )

    def unapprove(self) -> int:
        """Send approved comments back to the queue (WordPress's "Unapprove")."""
        return self._change_status(
            self.filter(status=Comment.Status.APPROVED), status=Comment.Status.PENDING
        )

    def restore(self) -> int:
        """
        Take spam and trashed comments back to the status they had before
        (WordPress's "Restore" and "Not spam"), or to pending when that is
        unknown; a trashed spam comment goes back to spam.
        """
        return self._change_status(
            self.filter(status__in=[Comment.Status.SPAM, Comment.Status.TRASH]),
            # One UPDATE: both right-hand sides read the row as it was.
            status=Case(
                When(
                    status_before__in=[
                        Comment.Status.PENDING,
                        Comment.Status.APPROVED,
                        Comment.Status.SPAM,
                    ],
                    then=F("status_before"),
                ),
                default=Value(Comment.Status.PENDING),
            ),
            status_before="",
        )


# Sent (sender=Comment, article_ids=..., page_ids=...) after a bulk change of
# comments (a status change from the queue, an erasure, an import): update()
# and bulk_create() send no model signals. page_ids may be left out (no
# page's comments changed). A status change also sends comment_ids and the
# new status. Receivers: comments/signals.py.
comments_changed = Signal()


def is_page(target) -> bool:
    """True for a posts.Page, False for an article."""
    return target._meta.label_lower == "posts.page"


def target_fields(target) -> dict:
    """The Comment fields naming ``target``: {"article": ...} or {"page": ...}."""
    return {"page": target} if is_page(target) else {"article": target}


def target_key(target) -> int | str:
    """
    What signed form timestamps and duplicate checks name a target by: an
    article's id (as before pages took comments), "page-<id>" for a page.
    """
    return f"page-{target.pk}" if is_page(target) else target.pk


class ShownAsComment:
    """
    What a shown comment's HTML reads (comments.render), for a Comment and
    for the light rows an article page reads its comments as (comments.pages):
    ``status``, ``author_name`` and ``author_url`` are theirs.
    """

    __slots__ = ()

    def is_approved(self) -> bool:
        return self.status == "approved"  # Comment.Status.APPROVED

    @property
    def safe_author_url(self) -> str:
        """The website, when it is an http or https address (imported data may hold anything)."""
        url = self.author_url.strip()
        return url if url.lower().startswith(("http://", "https://")) else ""

    @property
    def initials(self) -> str:
        """Up to two initials of the author's name, the only "avatar" shown."""
        parts = [part for part in self.author_name.split() if part[:1].isalnum()]
        return "".join(part[0] for part in parts[:2]).upper() or "?"


class Comment(ShownAsComment, models.Model):
    """
    A reader's reply to an article or a page (exactly one of the two). Nothing
    a reader wrote is ever deleted by a check.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SPAM = "spam", "Spam"
        TRASH = "trash", "Trash"

    article = models.ForeignKey(
        "posts.Article",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
        help_text="The article it answers (a comment answers an article or a page).",
    )
    page = models.ForeignKey(
        "posts.Page",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
        help_text="The page it answers (a comment answers an article or a page).",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replies",
        help_text="The comment this one answers.",
    )
    author_name = models.CharField("name", max_length=100)
    author_email = models.EmailField(
        "email", max_length=254, blank=True, help_text="Private: never shown on the site."
    )
    author_url = models.URLField("website", max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
        help_text="The staff account that wrote it, for replies made from the admin.",
    )
    body = models.TextField(
        "comment",
        max_length=10_000,
        help_text="Plain text; a, em, strong, code, blockquote, p and br tags are kept.",
    )
    body_html = models.TextField(editable=False, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING, db_index=True)
    status_before = models.CharField(
        "status before spam or trash",
        max_length=10,
        choices=Status,
        blank=True,
        editable=False,
        help_text="What “Restore” and “Not spam” put the comment back to.",
    )
    captcha_score = models.FloatField(
        null=True, blank=True, help_text="reCAPTCHA v3's score, from 0.0 (a bot) to 1.0 (a person)."
    )
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    cookie_consent = models.BooleanField(
        default=False,
        help_text="The reader ticked “Save my name, email, and website in this browser”.",
    )
    submitted = models.DateTimeField(default=timezone.now, db_index=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    wordpress_id = models.BigIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="The comment's ID on the WordPress site it was imported from.",
    )
    wordpress_fingerprint = models.CharField(
        max_length=16,
        blank=True,
        editable=False,
        help_text="A digest of the text and status the WordPress import last wrote: when "
        "they differ now, the comment was changed here and a re-import keeps it.",
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["submitted", "id"]
        indexes = [
            models.Index(fields=["article", "status", "submitted"], name="comment_article_page"),
            models.Index(fields=["page", "status", "submitted"], name="comment_page_page"),
            models.Index(fields=["status", "-submitted"], name="comment_queue"),
            models.Index(fields=["author_email", "status"], name="comment_author_email"),
            # The moderators' queue of each status but approved, newest first, and its
            # exact count: small indexes (migration 0005), read by index-only scans.
            models.Index(
                fields=["-submitted", "-id"],
                condition=Q(status="pending"),
                name="comment_pending_queue",
            ),
            models.Index(
                fields=["-submitted", "-id"],
                condition=Q(status="spam"),
                name="comment_spam_queue",
            ),
            models.Index(
                fields=["-submitted", "-id"],
                condition=Q(status="trash"),
                name="comment_trash_queue",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "wordpress_id"],
                condition=models.Q(wordpress_id__isnull=False),
                name="unique_wordpress_comment",
            ),
            models.UniqueConstraint(
                fields=["page", "wordpress_id"],
                condition=models.Q(wordpress_id__isnull=False),
                name="unique_wordpress_page_comment",
            ),
            models.CheckConstraint(
                condition=(
                    Q(article__isnull=False, page__isnull=True)
                    | Q(article__isnull=True, page__isnull=False)
                ),
                name="comment_article_or_page",
                violation_error_message="A comment answers either an article or a page.",
            ),
        ]
        permissions = [("moderate_comment", "Can moderate comments (approve, spam, trash)")]

    def __str__(self):
        return f"{self.author_name} on {self.target}"

    @property
    def target(self):
        """The article or the page the comment answers."""
        return self.article if self.article_id is not None else self.page

    def save(self, *args, **kwargs):
        self.body_html = sanitize_comment(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.target.get_absolute_url()}#comment-{self.pk}"

    def get_admin_url(self):
        return reverse("admin:comments_comment_change", args=[self.pk])

    def _run_status_change(self, method, *args):
        getattr(type(self).objects.filter(pk=self.pk), method)(*args)
        self.refresh_from_db(fields=["status", "status_before", "approved_at", "approved_by"])

    def approve(self, by=None):
        self._run_status_change("approve", by)

    def mark_spam(self):
        self._run_status_change("mark_spam")

    def trash(self):
        self._run_status_change("trash")

    def unapprove(self):
        self._run_status_change("unapprove")

    def restore(self):
        self._run_status_change("restore")

    def move_to(self, status: str, by=None) -> None:
        """
        Give the comment this status through the status changes above (as the
        queue's Quick edit does): approving records who, spam and the trash
        remember the status before, and pending is reached by restoring or
        unapproving.
        """
        if status == self.status:
            return
        if status == self.Status.APPROVED:
            self.approve(by)
        elif status == self.Status.SPAM:
            self.mark_spam()
        elif status == self.Status.TRASH:
            self.trash()
        elif status == self.Status.PENDING:
            # Out of spam or the trash (a trashed spam comment goes back to spam first).
            while self.status in (self.Status.SPAM, self.Status.TRASH):
                self.restore()
            if self.status == self.Status.APPROVED:
                self.unapprove()

    @property
    def excerpt(self) -> str:
        text = " ".join(self.body.split())
        return text if len(text) <= 80 else text[:79].rstrip() + "…"


class HoldReason(models.Model):
    """Why a new comment was held, marked spam or trashed when it arrived."""

    class Code(models.TextChoices):
        HOLD_ALL = "hold_all", "Every comment is held"
        FIRST_COMMENT = "first_comment", "No approved comment yet from this name and email"
        TOO_MANY_LINKS = "too_many_links", "Too many links"
        HOLD_WORD = "hold_word", "Hold word"
        DISALLOWED_WORD = "disallowed_word", "Disallowed word"
        LOW_SCORE = "low_score", "Low captcha score"
        CAPTCHA_UNVERIFIED = "captcha_unverified", "Captcha unverified"
        CAPTCHA_UNAVAILABLE = "captcha_unavailable", "Captcha unavailable in the browser"
        NO_JAVASCRIPT = "no_javascript", "No JavaScript"
        NO_CAPTCHA_TOKEN = "no_captcha_token", "No captcha token"
        HONEYPOT = "honeypot", "Honeypot field filled"
        TOO_FAST = "too_fast", "Posted too fast"
        BAD_TIMESTAMP = "bad_timestamp", "Form timestamp missing or tampered with"
        TIMESTAMP_UNAVAILABLE = (
            "timestamp_unavailable",
            "Form timestamp unavailable in the browser",
        )

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="hold_reasons")
    code = models.CharField(max_length=30, choices=Code, db_index=True)
    detail = models.CharField(
        max_length=300, blank=True, help_text="E.g. the word that matched or the score."
    )

    class Meta:
        ordering = ["id"]

    def __str__(self):
        label = self.get_code_display()
        return f"{label}: {self.detail}" if self.detail else label


class ModeratorVisit(models.Model):
    """When a moderator last looked at the Spam folder: spam received after it counts as new."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderator_visit"
    )
    spam_seen_at = models.DateTimeField(
        help_text="The last time this moderator opened the Spam view of the queue."
    )

    class Meta:
        verbose_name = "moderator's last look"
        verbose_name_plural = "moderators' last looks"

    def __str__(self):
        return f"{self.user} looked at spam on {self.spam_seen_at:%Y-%m-%d %H:%M}"


class Subscriber(models.Model):
    """
    An email address that asked to be told of replies (double opt-in: nothing
    but the confirmation is sent before ``confirmed_at``). ``stopped_at``: the
    reader chose "stop all emails from this site"; nothing is sent after it.
    """

    email = models.EmailField(
        max_length=254, unique=True, help_text="Normalised (lower case); never shown on the site."
    )
    created = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the reader followed the confirmation link."
    )
    confirmation_sent_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The last confirmation email (at most one a day is sent to an address).",
    )
    stopped_at = models.DateTimeField(
        null=True, blank=True, help_text="When the reader asked for no more emails from this site."
    )

    class Meta:
        verbose_name = "reply-notification subscriber"

    def __str__(self):
        return f"Subscriber {self.pk}"

    @property
    def may_be_emailed(self) -> bool:
        """Confirmed and not stopped: notifications may be sent."""
        return self.confirmed_at is not None and self.stopped_at is None


class Subscription(models.Model):
    """
    A subscriber's wish to be emailed about replies to one of their comments
    (and, when it was held, its approval). Unsubscribing deletes the row.
    """

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="subscriptions")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "comment"], name="unique_subscription")
        ]

    def __str__(self):
        return f"Subscription {self.pk} to comment {self.comment_id}"


class SentEmail(models.Model):
    """
    One email a task has sent or is sending, by a key naming what it is about
    (e.g. ``reply:<subscription>:<comment>``): a task claims the key before
    sending, so no email is ever sent twice, whatever retries or duplicate
    tasks run. A claim without ``sent_at`` is a send that failed or was cut off.
    """

    class Kind(models.TextChoices):
        MODERATORS = "moderators", "Moderators: comment held"
        CONFIRMATION = "confirmation", "Confirm reply notifications"
        REPLY = "reply", "Reply notification"
        APPROVED = "approved", "Your comment was approved"

    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=Kind)
    subscriber = models.ForeignKey(
        Subscriber,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sent_emails",
        help_text="The reader it went to (none for the moderators' emails).",
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "sent email"

    def __str__(self):
        return self.key
