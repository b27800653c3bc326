"""
The moderation policy: which status a new comment gets, and why.

``moderate`` weighs the Discussion settings, the reCAPTCHA result and the
spam checks and returns a ``Decision``. Nothing is ever refused here: the
worst a comment can get is the trash, where a moderator can still restore it.
The most severe outcome wins (trash, then spam, then pending), and every
reason found is recorded, not only the deciding one.

A comment without a captcha token is triaged by what the browser reported
(comments.captcha.Browser): Google's script unavailable in the browser, or no
JavaScript at all, holds it for a moderator; a raw POST with neither signal is
spam. Those holds are ordinary pending reasons: every other check still
applies, and nothing held is approved without a moderator.
"""

import re
from dataclasses import dataclass, field

from comments.captcha import Browser, BrowserReport, CaptchaResult, Outcome
from comments.models import Comment, DiscussionSettings, HoldReason

Code = HoldReason.Code
Status = Comment.Status

# Where each reason sends a comment.
TRASH_REASONS = frozenset({Code.DISALLOWED_WORD})
SPAM_REASONS = frozenset({Code.NO_CAPTCHA_TOKEN, Code.HONEYPOT, Code.TOO_FAST, Code.BAD_TIMESTAMP})

_LINK = re.compile(r"<a\s[^>]*href=", re.IGNORECASE)


@dataclass
class Decision:
    status: str
    reasons: list[tuple[str, str]] = field(default_factory=list)

    def hold_reasons(self, comment) -> list[HoldReason]:
        return [
            HoldReason(comment=comment, code=code, detail=detail[:300])
            for code, detail in self.reasons
        ]


def count_links(body_html: str) -> int:
    """Links in a comment's sanitized HTML, typed or bare, since both are linkified."""
    return len(_LINK.findall(body_html))


def _matched_words(words: list[str], comment) -> list[tuple[str, str]]:
    """(word, where) for each word found in the text, name, email, website, IP or user agent."""
    places = [
        ("text", comment.body),
        ("name", comment.author_name),
        ("email", comment.author_email),
        ("website", comment.author_url),
        ("IP address", comment.ip_address or ""),
        ("user agent", comment.user_agent),
    ]
    found = []
    for word in words:
        needle = word.casefold()
        for place, value in places:
            if needle in (value or "").casefold():
                found.append((word, place))
                break
    return found


def captcha_reasons(
    captcha: CaptchaResult, browser: BrowserReport | None = None
) -> list[tuple[str, str]]:
    """The reasons the captcha gives; without a token, what the browser reported decides."""
    if captcha.outcome is Outcome.MISSING:
        browser = browser or BrowserReport(Browser.UNKNOWN)
        if browser.browser is Browser.GOOGLE_UNAVAILABLE:
            return [(Code.CAPTCHA_UNAVAILABLE, browser.detail)]
        if browser.browser is Browser.NO_JAVASCRIPT:
            return [(Code.NO_JAVASCRIPT, "")]
        return [(Code.NO_CAPTCHA_TOKEN, browser.detail)]
    if captcha.outcome is Outcome.LOW_SCORE:
        return [(Code.LOW_SCORE, f"score {captcha.score:.1f}, threshold {captcha.threshold:.1f}")]
    if captcha.outcome is Outcome.UNVERIFIED:
        return [(Code.CAPTCHA_UNVERIFIED, captcha.detail)]
    return []


def has_approved_comment(name: str, email: str) -> bool:
    return Comment.objects.approved().filter(author_name=name, author_email=email).exists()


def moderate(
    comment: Comment,
    *,
    discussion: DiscussionSettings,
    captcha: CaptchaResult,
    browser: BrowserReport | None = None,
    spam_signals: list[tuple[str, str]] = (),
) -> Decision:
    """Decide a new, unsaved comment's status from the rules, the captcha and the spam checks."""
    reasons = list(spam_signals) + captcha_reasons(captcha, browser)

    for word, place in _matched_words(discussion.disallowed_word_list(), comment):
        reasons.append((Code.DISALLOWED_WORD, f"“{word}” in the {place}"))
    for word, place in _matched_words(discussion.hold_word_list(), comment):
        reasons.append((Code.HOLD_WORD, f"“{word}” in the {place}"))

    links = count_links(comment.body_html)
    if links > discussion.max_links:
        reasons.append((Code.TOO_MANY_LINKS, f"{links} links, more than {discussion.max_links}"))

    policy = DiscussionSettings.ApprovalPolicy
    if discussion.approval_policy == policy.HOLD_ALL:
        reasons.append((Code.HOLD_ALL, ""))
    elif discussion.approval_policy == policy.KNOWN_AUTHORS and not has_approved_comment(
        comment.author_name, comment.author_email
    ):
        reasons.append((Code.FIRST_COMMENT, ""))

    codes = {code for code, _ in reasons}
    if codes & TRASH_REASONS:
        status = Status.TRASH
    elif codes & SPAM_REASONS:
        status = Status.SPAM
    elif codes:
        status = Status.PENDING
    else:
        status = Status.APPROVED
    return Decision(status=status, reasons=reasons)
