from django.conf import settings
from django.db import models
from django.utils import timezone


class CommentQuerySet(models.QuerySet):
    def approved(self):
        """Comments every reader may see."""
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)


class Comment(models.Model):
    """A reader's reply to an article. Nothing a reader wrote is ever deleted by a check."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SPAM = "spam", "Spam"
        TRASH = "trash", "Trash"

    article = models.ForeignKey("posts.Article", on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replies",
        help_text="The comment this one answers.",
    )
    author_name = models.CharField("name", max_length=100)
    author_email = models.EmailField("email", max_length=254, blank=True)
    author_url = models.URLField("website", max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
        help_text="The staff account that wrote it, for replies made from the admin.",
    )
    body = models.TextField("comment", max_length=10_000)
    body_html = models.TextField(editable=False, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING, db_index=True)
    hold_reasons = models.JSONField(
        default=list,
        blank=True,
        help_text="Why the comment was held, marked spam or trashed when it arrived.",
    )
    captcha_score = models.FloatField(null=True, blank=True)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
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

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["submitted", "id"]
        indexes = [
            models.Index(fields=["article", "status", "submitted"], name="comment_article_page"),
            models.Index(fields=["status", "-submitted"], name="comment_queue"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "wordpress_id"],
                condition=models.Q(wordpress_id__isnull=False),
                name="unique_wordpress_comment",
            )
        ]

    def __str__(self):
        return f"{self.author_name} on {self.article}"

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#comment-{self.pk}"
