from django import forms
from django.core.validators import URLValidator

from comments import spam
from comments.captcha import Browser, CommentCaptchaField, browser_report, captcha_version
from comments.models import Comment, target_fields, target_key
from comments.sanitize import sanitize_comment
from markup.text import xml_safe

MAX_BODY = 10_000
UNTICKED = "Please tick “I’m not a robot” and press “Post Comment” again."


class PlainTextMixin:
    """Invisible control characters are dropped before validation (feeds cannot carry them)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = xml_safe(value)
        return super().to_python(value)


class TextField(PlainTextMixin, forms.CharField):
    pass


class EmailAddressField(PlainTextMixin, forms.EmailField):
    pass


class WebsiteField(PlainTextMixin, forms.URLField):
    pass


class CommentForm(forms.Form):
    """
    The "Leave a Reply" form. Beside the reader's fields it carries the
    parent comment, a honeypot, a signed timestamp, the reCAPTCHA token and
    what the browser said about Google's script ("browser", set by
    comments.js, and "noscript", posted only from the form's <noscript>
    block); it never talks to Google itself (see comments.captcha).
    """

    comment = TextField(
        label="Comment",
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 45}),
        error_messages={"required": "Please type your comment."},
    )
    author = TextField(
        label="Name",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Please enter your name."},
    )
    email = EmailAddressField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Please enter your email address; it will not be published.",
            "invalid": "Please enter a valid email address, such as name@example.com.",
        },
    )
    url = WebsiteField(
        label="Website",
        max_length=200,
        required=False,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
        error_messages={
            "invalid": "Please enter a web address starting with http:// or https://.",
        },
    )
    cookie_consent = forms.BooleanField(
        label="Save my name, email, and website in this browser for the next time I comment.",
        required=False,
    )
    notify = forms.BooleanField(
        label="Notify me of follow-up replies by email",
        required=False,
        help_text=(
            "The first time, we email you a link to confirm. Every email has a link that stops "
            "them at once."
        ),
    )
    parent = TextField(required=False, widget=forms.HiddenInput)
    timestamp = TextField(required=False, widget=forms.HiddenInput)
    # Rendered by hand in comments/form.html, always empty / always "1".
    browser = TextField(required=False, widget=forms.HiddenInput)
    noscript = TextField(required=False, widget=forms.HiddenInput)
    honeypot = TextField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, article, **kwargs):
        """``article``: what the comment answers, an article or a page."""
        super().__init__(*args, **kwargs)
        self.article = article
        self.fields["captcha"] = CommentCaptchaField(label="")
        # A browser's maxlength would silently cut a pasted comment; the
        # server's message says what is wrong instead.
        self.fields["comment"].widget.attrs.pop("maxlength", None)
        for name in ("comment", "author", "email"):
            self.fields[name].widget.attrs["required"] = True
        self.fields["notify"].widget.attrs["aria-describedby"] = f"{self['notify'].auto_id}_note"
        # The page is the same for every reader: its timestamp field is empty
        # and comments.js fetches one when the reader starts writing (views.timestamp).

    def full_clean(self):
        super().full_clean()
        self.mark_invalid_fields()

    def mark_invalid_fields(self):
        """aria-invalid and aria-describedby on each invalid field, autofocus on the first."""
        first = True
        for name in self.fields:
            if name in self.errors:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{self[name].auto_id}_error"
                if first and name != "captcha":  # Google's box is not ours to focus
                    attrs["autofocus"] = True
                    first = False
        if first and self.non_field_errors():
            self.fields["comment"].widget.attrs["autofocus"] = True

    def clean_email(self):
        email = self.cleaned_data["email"]
        local, _, domain = email.rpartition("@")
        return f"{local}@{domain.lower()}"

    def clean(self):
        """v2: Google's checkbox was shown but not ticked; an error beside it, nothing stored."""
        cleaned = super().clean()
        if (
            captcha_version() == 2
            and not (cleaned.get("captcha") or "").strip()
            and self.browser_report().browser is Browser.UNTICKED
        ):
            self.add_error("captcha", UNTICKED)
        return cleaned

    def browser_report(self):
        """What the browser said about Google's script (see comments.captcha.Browser)."""
        data = getattr(self, "cleaned_data", {})
        return browser_report(data.get("browser"), data.get("noscript"))

    def clean_parent(self):
        """
        The approved comment on this article (or page) being answered;
        anything else posts top-level.
        """
        parent_id = self.cleaned_data.get("parent", "")
        if not parent_id.isascii() or not parent_id.isdigit() or len(parent_id) > 18:
            return None
        return Comment.objects.approved().on(self.article).filter(pk=int(parent_id)).first()

    def spam_signals(self):
        """
        The honeypot and the timestamp. A browser without JavaScript cannot
        fetch a timestamp: its comment is held for that ("No JavaScript",
        comments.captcha), not filed as spam for the missing timestamp.
        """
        timestamp = self.cleaned_data.get("timestamp", "")
        no_javascript = self.browser_report().browser is Browser.NO_JAVASCRIPT
        return spam.honeypot_signals(self.cleaned_data.get("honeypot", "")) + (
            []
            if no_javascript and not timestamp
            else spam.timestamp_signals(timestamp, target_key(self.article))
        )

    def build_comment(self, **extra) -> Comment:
        """An unsaved Comment from the cleaned data, with its HTML rendered."""
        data = self.cleaned_data
        comment = Comment(
            **target_fields(self.article),
            parent=data["parent"],
            author_name=data["author"],
            author_email=data["email"],
            author_url=data["url"],
            body=data["comment"],
            cookie_consent=data["cookie_consent"],
            **extra,
        )
        comment.body_html = sanitize_comment(comment.body)
        return comment
