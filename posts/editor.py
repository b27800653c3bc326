"""
The article body's rich-text editor in the admin (django-prose-editor's
bundle, started by posts/static/posts/editor.js) and the form that uses it.

The editor writes HTML; the form stores it cleaned with the article
allow-list (``markup.html.ARTICLE``), so the stored body equals what readers
get. A body still in the text format is opened as the HTML it renders to
(the same paragraphs) and saved as HTML: new and edited articles are HTML.
"""

from __future__ import annotations

import json

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.widgets import Script
from django.urls import reverse
from django.utils.html import strip_tags

from posts.models import Article, Image, Page
from posts.rendering import figure_html, render_body


class BodyEditorWidget(forms.Textarea):
    """
    A textarea the editor replaces (it stays the submitted field). Its
    ``data-body-editor`` attribute gives the script the image picker's address
    and the media URL (images only from the site, as the allow-list), and
    whether the body places quotations (articles) or not (pages: no "Insert
    quotation" button).
    """

    def __init__(self, attrs=None, *, quotations: bool = True):
        super().__init__(attrs)
        self.quotations = quotations

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        config = {
            "pickerUrl": reverse("admin:posts_image_picker"),
            "mediaUrl": settings.MEDIA_URL,
            "quotations": self.quotations,
        }
        context["widget"]["attrs"]["data-body-editor"] = json.dumps(config)
        return context

    @property
    def media(self):
        return forms.Media(
            css={
                "all": [
                    "django_prose_editor/material-icons.css",
                    "django_prose_editor/editor.css",
                    "django_prose_editor/overrides.css",
                    "posts/editor.css",
                ]
            },
            js=[Script("posts/editor.js", type="module")],
        )

    def use_required_attribute(self, initial):
        # The textarea is hidden behind the editor: the browser could not point at it.
        return False


class ArticleBodyForm(forms.ModelForm):
    """
    The article form with the rich-text body. The body format is a hidden
    field that the editor always sends as HTML: a body in the text format is
    opened as the HTML it renders to (the same paragraphs) and saved as HTML.
    An HTML body is stored cleaned with the article allow-list, so the stored
    body is what readers get. (A client posting the text format keeps it.)
    """

    empty_body_message = "Write the article's text."

    class Meta:
        model = Article
        fields = "__all__"
        widgets = {"body": BodyEditorWidget, "body_format": forms.HiddenInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if "body_format" in self.fields:
            self.initial["body_format"] = Article.BodyFormat.HTML
        if instance.pk and instance.body_format == Article.BodyFormat.TEXT and not self.is_bound:
            self.initial["body"] = render_body(instance.body)

    def clean(self):
        cleaned_data = super().clean()
        body = cleaned_data.get("body")
        if body is not None and cleaned_data.get("body_format") == Article.BodyFormat.HTML:
            body = render_body(body, html=True)
            if not strip_tags(body).strip() and "<img" not in body and "<hr" not in body:
                self.add_error("body", ValidationError(self.empty_body_message, code="required"))
            else:
                cleaned_data["body"] = body
        return cleaned_data


class PageBodyForm(ArticleBodyForm):
    """The page form: the same rich-text body as articles', without quotations."""

    empty_body_message = "Write the page's text."

    class Meta:
        model = Page
        fields = "__all__"
        widgets = {
            "body": BodyEditorWidget(quotations=False),
            "body_format": forms.HiddenInput,
        }


def picker_entry(image: Image) -> dict:
    """What the editor's image picker lists and inserts for one library image."""
    sources = image.sources() or {}
    thumbnail = image.renditions.get("400")
    return {
        "id": image.pk,
        "alt": image.alt_text,
        "caption": image.caption,
        "credit": image.credit,
        "thumbnail": image.file.storage.url(thumbnail["name"]) if thumbnail else sources["src"],
        "width": sources.get("width"),
        "height": sources.get("height"),
        "figure": str(figure_html(image)),
    }
