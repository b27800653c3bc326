"""An editor's autosave of a change form: what was on the screen, not yet saved."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import QueryDict

NEW = "new"


class AutosaveQuerySet(models.QuerySet):
    def of(self, user, model, object_id=None):
        """The autosaves of ``user`` for one object of ``model`` (``None``: its add form)."""
        return self.filter(
            user=user,
            content_type=ContentType.objects.get_for_model(model),
            object_key=NEW if object_id is None else str(object_id),
        )


class Autosave(models.Model):
    """
    The serialised fields of one editor's change form (or add form, object key
    "new"), saved every few seconds while they type. Never applied by itself:
    the editor restores or discards it, and a real save deletes it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Whose form this was: autosaves are personal.",
    )
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The kind of object being edited.",
    )
    object_key = models.CharField(
        max_length=64,
        help_text='The primary key of the object being edited, or "new" for an add form.',
    )
    data = models.JSONField(
        default=list,
        help_text="The form's fields as [name, value] pairs, in the order of the form.",
    )
    updated_at = models.DateTimeField(
        auto_now=True, help_text="When the form's contents were last saved here."
    )

    objects = AutosaveQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content_type", "object_key"], name="unique_autosave"
            )
        ]

    def __str__(self):
        return f"{self.content_type} {self.object_key} by {self.user}"

    def as_query_dict(self) -> QueryDict:
        """The saved fields as the form would post them."""
        query = QueryDict(mutable=True)
        for name, value in self.data:
            query.appendlist(name, value)
        query._mutable = False
        return query
