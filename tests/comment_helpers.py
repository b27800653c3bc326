"""Shared helpers for the comment tests: a fake Google and a filled-in form."""

import io
import json
import time
from urllib.parse import parse_qs

from comments.spam import sign_timestamp

GOOD_ANSWER = {"success": True, "score": 0.9, "action": "comment", "hostname": "testserver"}


class FakeGoogle:
    """
    Stands in for django_recaptcha.client.recaptcha_request, the HTTP call to
    Google's siteverify: answers ``answer`` as JSON, or ``raw`` bytes, or raises
    ``error`` when asked, or ``read_error`` while the answer is read (a
    connection cut mid-answer). Records what it was asked.
    """

    def __init__(self):
        self.answer = dict(GOOD_ANSWER)
        self.raw = None
        self.error = None
        self.read_error = None
        self.requests = []

    def __call__(self, params):
        self.requests.append({k: v[0] for k, v in parse_qs(params.decode()).items()})
        if self.error is not None:
            raise self.error
        body = self.raw if self.raw is not None else json.dumps(self.answer).encode()
        answer = io.BytesIO(body)
        if self.read_error is not None:
            answer.read = self._fail_reading
        return answer

    def _fail_reading(self, *args):
        raise self.read_error


def comment_data(article, **overrides):
    """A complete, valid form submission for an article, loaded a minute ago."""
    data = {
        "comment": "Turnout in the suburbs decided it.",
        "author": "Jane Reader",
        "email": "jane.reader@example.org",
        "url": "",
        "parent": "",
        "honeypot": "",
        "timestamp": sign_timestamp(article.pk, now=time.time() - 60),
        "captcha": "a-token-from-google",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def own_view(client, target_key) -> str:
    """
    What the reader behind ``client`` sees of their own comments and saved
    details: the answer of the personal request comments.js makes on a page
    (comments.views.personal), its comments' HTML and the saved values.
    """
    response = client.get(f"/comments/personal/{target_key}/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    author = data["author"] or {}
    saved = "".join(
        f'value="{author[name]}"' for name in ("author", "email", "url") if author.get(name)
    )
    return saved + "".join(comment["html"] for comment in data["comments"])
