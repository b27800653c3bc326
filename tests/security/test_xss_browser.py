"""
Stored and reflected XSS, proven in Chromium.

Every payload of tests/security/xss_payloads.py is posted through the real
comment form and through the admin into article titles, summaries, bodies,
quotations and image captions; everything is approved and published; then the
pages are opened in Chromium with watchers on dialogs, console, page errors
and CSP violations: nothing may run, and a scan of the live DOM must find no
on* attribute, no javascript:/data:/vbscript: URL and no foreign script.
"""

import io
import time
from xml.etree import ElementTree

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from comments.models import Comment
from posts.models import Article
from tests.comment_helpers import comment_data
from tests.factories import ArticleFactory, OutletFactory, UserFactory
from tests.security.browser import scan
from tests.security.dom_checks import problems
from tests.security.xss_payloads import XSS_PAYLOADS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PER_ARTICLE = 10


def assert_inert(page, watcher, live_server, what):
    page.wait_for_load_state("load")
    # Give timers, autofocus handlers and lazy images a moment to fire.
    page.wait_for_timeout(150)
    found = scan(page, live_server.url)
    assert found == [], f"{what}: {found[:10]}"
    assert watcher.executed() == [], f"{what}: {watcher.executed()[:10]}"
    assert watcher.errors == [], f"{what}: {watcher.errors[:10]}"


def settle(page):
    """
    Wait until the browser has nothing in flight (such as the /favicon.ico it
    asks for after a page loads, answered by the 404 view from the database)
    before this thread uses the database again: on SQLite the live server
    shares this thread's in-memory connection, and using it from both threads
    at once made these tests fail now and then in a full run.
    """
    page.wait_for_load_state("networkidle")


def assert_feed_inert(client, path):
    """
    Feeds and the sitemap are XML read by programs, not pages: they must be
    well-formed, and the HTML a feed reader renders from them must be inert.
    """
    response = client.get(path)
    assert response.status_code == 200, path
    root = ElementTree.fromstring(response.content)  # noqa: S314 (our own output)
    for element in root.iter():
        if element.text and element.tag.split("}")[-1] in ("description", "content", "summary"):
            assert problems(element.text) == [], (path, element.text[:200])


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_comment_payloads_are_inert(client, fake_google, browse, live_server):
    page, watcher = browse
    article = ArticleFactory(title="Payloads in the comments")
    statuses = {}
    for n, payload in enumerate(XSS_PAYLOADS):
        response = client.post(
            f"/comments/post/{article.pk}/",
            comment_data(
                article,
                comment=payload,
                author=payload[:100],
                email=f"xss{n}@example.net",
                url=f'https://example.com/{n}"><script>alert({n})</script>' if n % 3 else "",
            ),
            REMOTE_ADDR=f"10.9.{n // 200}.{n % 200 + 1}",
        )
        statuses[payload] = response.status_code
    # Only a null character may make the form refuse a payload (400, text kept);
    # dropping it instead is as good. Every other payload is stored.
    refused = {p for p, status in statuses.items() if status != 302}
    assert refused <= {p for p in XSS_PAYLOADS if "\x00" in p}, refused
    assert all(statuses[p] == 400 for p in refused)
    stored = Comment.objects.filter(article=article)
    assert stored.count() == len(XSS_PAYLOADS) - len(refused)
    stored.approve()
    assert stored.exclude(status=Comment.Status.APPROVED).count() == 0
    ids = list(stored.values_list("pk", flat=True))

    page.goto(article.get_absolute_url())
    assert_inert(page, watcher, live_server, "article with payload comments")
    for pk in ids:
        assert page.locator(f"#comment-{pk}").count() == 1
    settle(page)
    client.logout()
    assert_feed_inert(client, "/feed/comments/")
    assert_feed_inert(client, article.get_absolute_url() + "feed/")


def _admin_article_data(n, payloads, outlet):
    data = {
        "title": payloads[0][:300],
        "slug": f"payload-article-{n}",
        "dek": payloads[-1],
        # Every quotation placed on a line of its own, as the admin requires,
        # before the payloads: posts' render_body drops what follows an
        # unclosed <script or <svg, markers included (reported to posts).
        "body": "\n\n".join(
            [*(f"[quote {i}]" for i in range(1, len(payloads) + 1)), *payloads, "The end."]
        ),
        "body_format": Article.BodyFormat.TEXT,
        "authors": [],
        "tags": [],
        "status": Article.Status.PUBLISHED,
        "pub_date_0": (timezone.localdate() - timezone.timedelta(days=1)).isoformat(),
        "pub_date_1": "09:00:00",
        "comments_open": "on",
        "featured_image": SimpleUploadedFile(f"image{n}.png", png_bytes(), "image/png"),
        "featured_image_alt": payloads[1 % len(payloads)][:300],
        "featured_image_caption": " ".join(payloads)[:500],
        "quotations-TOTAL_FORMS": str(len(payloads)),
        "quotations-INITIAL_FORMS": "0",
        "quotations-MIN_NUM_FORMS": "0",
        "quotations-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for i, payload in enumerate(payloads):
        data.update(
            {
                f"quotations-{i}-order": str(i + 1),
                f"quotations-{i}-speaker": payload[:200],
                f"quotations-{i}-outlet": str(outlet.pk),
                f"quotations-{i}-source_url": f"https://example.com/source/{n}/{i}",
                f"quotations-{i}-text": payload,
            }
        )
    return data


def test_admin_payloads_are_inert(client, browse, live_server):
    page, watcher = browse
    editor = UserFactory(username="xss-editor", is_staff=True, is_superuser=True)
    client.force_login(editor)
    outlet = OutletFactory(name="Outlet <script>alert('outlet')</script>")
    # Django's form fields refuse null characters outright (tested above for comments).
    payloads = [p for p in XSS_PAYLOADS if "\x00" not in p]
    chunks = [payloads[i : i + PER_ARTICLE] for i in range(0, len(payloads), PER_ARTICLE)]
    for n, payloads in enumerate(chunks):
        response = client.post(
            "/admin/posts/article/add/", _admin_article_data(n, payloads, outlet)
        )
        assert response.status_code == 302, (
            n,
            response.context["adminform"].form.errors if response.context else "",
            [f.errors for f in response.context["inline_admin_formsets"][0].formset]
            if response.context
            else "",
        )
    articles = list(Article.objects.order_by("slug"))
    assert len(articles) == len(chunks)
    assert all(a.is_published() and a.featured_image for a in articles)

    for article in articles:
        page.goto(article.get_absolute_url())
        assert_inert(page, watcher, live_server, f"article {article.slug}")
        assert page.locator("figure.quotation").count() >= 1
        assert page.locator("figcaption").count() >= 1
    for path in ("/", "/page/2/", outlet.get_absolute_url()):
        response = page.goto(path)
        assert response.status == 200, path
        assert_inert(page, watcher, live_server, path)
    settle(page)
    for path in ("/feed/", "/sitemap.xml"):
        assert_feed_inert(client, path)


def test_reflected_payloads_are_inert(browse, live_server, fake_google):
    """Search terms, unknown addresses and a refused comment show what was typed, inertly."""
    page, watcher = browse
    article = ArticleFactory(title="Reflections")
    sample = XSS_PAYLOADS[::4]
    for payload in sample:
        page.goto("/search/?" + _query(payload))
        assert_inert(page, watcher, live_server, f"search for {payload!r}")
    for payload in sample[::3]:
        page.goto("/no-such-page/" + _quote(payload))
        assert_inert(page, watcher, live_server, f"404 for {payload!r}")

    for payload in sample[::3]:
        if "\x00" in payload:
            continue
        page.goto(article.get_absolute_url())
        page.fill("#id_comment", payload)
        page.fill("#id_author", payload[:100])
        page.fill("#id_email", "not an email address")
        # The browser's own validation would stop the post: switch it off, as a bot would.
        page.evaluate("document.getElementById('commentform').noValidate = true")
        # comments.js may hold the post until the form's timestamp arrives, so the click
        # returns before the browser leaves the page: wait for the refused form's page.
        with page.expect_navigation(wait_until="load"):
            page.click("#commentform button[type=submit]")
        assert page.locator("#id_email_error").count() == 1  # refused, next to the field
        assert page.locator("#id_comment").input_value() == payload.replace("\r", "")
        assert_inert(page, watcher, live_server, f"refused comment {payload!r}")
    settle(page)
    assert Comment.objects.count() == 0


def _query(payload):
    from urllib.parse import urlencode

    return urlencode({"q": payload})


def _quote(payload):
    from urllib.parse import quote

    return quote(payload, safe="")


def test_the_watchers_catch_a_payload_that_runs(browse, live_server):
    """The harness itself: an unsanitized page does trip the watchers and the scan."""
    page, watcher = browse
    page.goto("/")
    page.evaluate(
        """() => {
        const img = document.createElement("img");
        img.setAttribute("onerror", "window.__xss(1)");
        img.src = "x";
        document.body.appendChild(img);
    }"""
    )
    deadline = time.monotonic() + 5
    while not watcher.executed() and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    # The inline handler is blocked by the Content-Security-Policy (reported)...
    assert any("Content Security Policy" in line for line in watcher.executed())
    # ...and the DOM scan sees the attribute.
    assert any("onerror" in item for item in scan(page, live_server.url))


# The body editor (posts/static/posts/editor.js): payloads typed into it,
# pasted into it as HTML, and posted around it as raw HTML. Nothing runs in
# the editor's page either, and a reader's page is inert.

EDITOR_PASSWORD = "correct horse battery staple"


def _editor_page(page, article):
    UserFactory(username="xss-desk", is_staff=True, is_superuser=True, password=EDITOR_PASSWORD)
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", "xss-desk")
    page.fill("#id_password", EDITOR_PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url("**/admin/")
    page.goto(f"/admin/posts/article/{article.pk}/change/")
    body = page.locator(".prose-editor .tiptap.ProseMirror")
    body.wait_for()
    return body


def _editor_dom_problems(body) -> list[str]:
    """What in the live editor could run script: on* attributes, code elements, odd URLs."""
    return body.evaluate(
        """(root) => {
            const found = [];
            for (const el of root.querySelectorAll("*")) {
                const tag = el.tagName.toLowerCase();
                if (["script", "iframe", "object", "embed", "svg", "math", "style", "input",
                     "textarea", "select", "video", "audio", "form"].includes(tag)) {
                    found.push(`<${tag}>`);
                }
                for (const attr of el.attributes) {
                    if (attr.name.toLowerCase().startsWith("on")) found.push(attr.name);
                    if (["href", "src", "srcset"].includes(attr.name)
                        && /^\\s*(javascript|data|vbscript):/i.test(attr.value)) {
                        found.push(`${attr.name}=${attr.value}`);
                    }
                }
            }
            return found;
        }"""
    )


def _save_and_read(page, watcher, live_server, article, what):
    page.locator("input[name=_continue]").first.click()
    page.locator(".messagelist .success").wait_for()
    # Nothing ran in the editor's own page: no dialog, no payload's call. (Chromium
    # reports a CSP violation for every on* attribute it parses, even into the
    # inert document ProseMirror reads a paste with, where nothing can run; the
    # editor's schema then drops them: see _editor_dom_problems.)
    ran = watcher.dialogs + [line for line in watcher.console if "XSS" in line]
    assert ran == [], f"{what} (editor page): {ran[:10]}"
    watcher.clear()
    article.refresh_from_db()
    page.goto(article.get_absolute_url())
    assert_inert(page, watcher, live_server, what)
    settle(page)
    return article


def test_payloads_typed_into_the_editor_are_inert(browse, live_server):
    page, watcher = browse
    article = ArticleFactory(title="Typed payloads", body="<p>Start.</p>", body_format="html")
    body = _editor_page(page, article)
    body.click()
    typed = [p for p in XSS_PAYLOADS if "\x00" not in p and "\n" not in p][::6]
    for payload in typed:
        page.keyboard.press("Enter")
        page.keyboard.insert_text(payload)
    article = _save_and_read(page, watcher, live_server, article, "typed payloads")
    # Typed markup is text: shown as written, escaped in the stored body.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in article.body_html
    assert "<script>alert(1)</script>" in page.locator("main").inner_text()


def test_payloads_pasted_into_the_editor_are_inert(browse, live_server):
    page, watcher = browse
    article = ArticleFactory(title="Pasted payloads", body="<p>Start.</p>", body_format="html")
    body = _editor_page(page, article)
    # Pasted images whose address is relative to the page (<img src=x>) are not
    # kept: in the editor they would load addresses inside the admin, each
    # answered with a "doesn't exist" warning that could take the place of
    # the save's success message.
    editor_url = page.url
    inside_the_editor = []
    page.on(
        "request",
        lambda request: (
            request.url.startswith(editor_url)
            and request.url != editor_url
            and inside_the_editor.append(request.url)
        ),
    )
    body.click()
    payloads = [p for p in XSS_PAYLOADS if "\x00" not in p]
    for chunk in (payloads[i : i + 20] for i in range(0, len(payloads), 20)):
        page.evaluate(
            """(html) => {
                const target = document.querySelector(".prose-editor .tiptap.ProseMirror");
                const data = new DataTransfer();
                data.setData("text/html", html);
                data.setData("text/plain", "pasted");
                target.dispatchEvent(new ClipboardEvent("paste", {
                    clipboardData: data, bubbles: true, cancelable: true,
                }));
            }""",
            "<p>pasted:</p>" + "".join(chunk),
        )
    assert "pasted:" in body.inner_text()
    assert _editor_dom_problems(body) == []
    _save_and_read(page, watcher, live_server, article, "pasted payloads")
    assert inside_the_editor == []


def test_payloads_posted_as_raw_html_around_the_editor_are_inert(client, browse, live_server):
    page, watcher = browse
    editor = UserFactory(username="raw-editor", is_staff=True, is_superuser=True)
    client.force_login(editor)
    outlet = OutletFactory(name="Raw outlet")
    payloads = [p for p in XSS_PAYLOADS if "\x00" not in p]
    chunks = [payloads[i : i + PER_ARTICLE] for i in range(0, len(payloads), PER_ARTICLE)]
    for n, chunk in enumerate(chunks):
        data = _admin_article_data(n, chunk, outlet)
        markers = "".join(f"<p>[quote {i}]</p>" for i in range(1, len(chunk) + 1))
        data.update(
            slug=f"raw-html-{n}",
            body=markers + "".join(chunk) + "<p>The end.</p>",
            body_format=Article.BodyFormat.HTML,
        )
        response = client.post("/admin/posts/article/add/", data)
        assert response.status_code == 302, n
    for article in Article.objects.filter(slug__startswith="raw-html-"):
        assert article.body_format == Article.BodyFormat.HTML
        assert article.body == article.body_html  # stored cleaned
        page.goto(article.get_absolute_url())
        assert_inert(page, watcher, live_server, f"raw HTML {article.slug}")
    settle(page)
