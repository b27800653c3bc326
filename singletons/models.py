from django.db import models


class SingleRowModel(models.Model):
    """
    Settings kept in one row (primary key 1), created with the field defaults
    the first time they are read.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    def has_default_values(self) -> bool:
        """True when every field holds its default (a row just made by load())."""
        return all(
            getattr(self, field.attname) == field.get_default()
            for field in self._meta.concrete_fields
            if not field.primary_key
        )

    @classmethod
    def load(cls):
        """Return the one row, creating it with the defaults if needed."""
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj
