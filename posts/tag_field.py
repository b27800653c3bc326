"""
Tags by typing: the article form's tag field (select2 with ``tags: true``,
posts/static/posts/admin-tags.js) sends a name typed and confirmed with
Enter as "new:<name>"; the field's clean turns it into a tag, the existing
one whose name matches ignoring case and spaces or a new one (Tag.for_name).
No pop-up window.
"""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import ValidationError

from posts.models import Tag

NEW_TAG = "new:"


def split_new(values) -> tuple[list[str], list[str]]:
    """The submitted values as (ids of existing tags, names typed for new ones)."""
    existing, names = [], []
    for value in values or []:
        value = str(value)
        if value.startswith(NEW_TAG):
            name = Tag.normalise_name(value[len(NEW_TAG) :])
            if name and name not in names:
                names.append(name)
        else:
            existing.append(value)
    return existing, names


class TagAutocompleteWidget(AutocompleteSelectMultiple):
    """The admin's tag autocomplete, where a typed name is an option of its own."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs=extra_attrs)
        # Started by admin-tags.js (with tags: true), not by Django's autocomplete.js.
        attrs["class"] = attrs["class"].replace("admin-autocomplete", "admin-tag-autocomplete")
        attrs["data-new-prefix"] = NEW_TAG
        return attrs

    def optgroups(self, name, value, attr=None):
        existing, names = split_new(value)
        groups = super().optgroups(name, existing, attr)
        options = groups[0][1]
        for new_name in names:
            options.append(
                self.create_option(name, NEW_TAG + new_name, new_name, True, len(options))
            )
        return groups

    @property
    def media(self):
        return super().media + forms.Media(js=["posts/admin-tags.js"])


class TagsField(forms.ModelMultipleChoiceField):
    """Existing tags by id, plus tags named by "new:<name>", made when the form is cleaned."""

    def __init__(self, *args, can_create: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.can_create = can_create

    def clean(self, value):
        existing, names = split_new(value)
        tags = super().clean(existing)
        if not names:
            return tags
        if not self.can_create:
            raise ValidationError(
                "You may not create tags: choose existing ones.", code="cannot_create_tag"
            )
        new_ids = [Tag.for_name(name).pk for name in names]
        return self.queryset.filter(pk__in=[*tags.values_list("pk", flat=True), *new_ids])
