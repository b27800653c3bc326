"""
Playwright fixtures shared by every browser test (tests/browser, tests/security):
Debian's Chromium, headless, against pytest-django's live_server. Registered
for the whole suite by ``pytest_plugins`` in tests/conftest.py.

- ``browser``: one Chromium for the session (skips when /usr/bin/chromium or
  Playwright is missing, except under CI=true, where a missing browser fails).
- ``context`` / ``page``: a fresh browser profile and tab per test. Google's
  reCAPTCHA script (any URL containing /recaptcha/) is replaced by a local
  stand-in defining grecaptcha.ready/execute/render that hands out tokens; every
  other request leaving the live server is refused, so no test reaches the
  internet.
- ``new_context``: more independent profiles (another reader, a moderator).
- ``console_errors``: JavaScript errors and console.error messages of ``page``.
- The server-side check is faked with the ``fake_google`` fixture
  (tests/conftest.py) at django_recaptcha.client.recaptcha_request.

Playwright's sync API runs an event loop in this thread while the browser is
open, so Django's async-safety check is switched off for as long as it is: the
ORM calls the tests make between page loads are plain synchronous code.
"""

import os
import shutil
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
TIMEOUT_MS = 5_000

# A stand-in for https://www.google.com/recaptcha/api.js. Tokens name the
# action they were made for; v2 widgets get the textarea Google would add.
RECAPTCHA_STUB = """
(function () {
  var calls = (window.__recaptchaCalls = []);
  function renderWidget(element) {
    if (element.querySelector("textarea[name='g-recaptcha-response']")) return 0;
    var box = document.createElement("textarea");
    box.name = "g-recaptcha-response";
    box.style.display = "none";
    box.value = "browser-token-v2";
    element.appendChild(box);
    return 0;
  }
  window.grecaptcha = {
    ready: function (callback) { window.setTimeout(callback, 0); },
    execute: function (sitekey, options) {
      var action = (options && options.action) || "";
      calls.push({ sitekey: sitekey, action: action });
      return Promise.resolve("browser-token-" + action);
    },
    render: function (element) { return renderWidget(element); },
    getResponse: function () { return "browser-token-v2"; },
    reset: function () {},
  };
  function autoRender() {
    document.querySelectorAll("div.g-recaptcha[data-sitekey]").forEach(renderWidget);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", autoRender);
  } else {
    autoRender();
  }
})();
"""


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)."
        if os.environ.get("CI") == "true":
            pytest.fail(message + " CI must run the browser tests.")
        pytest.skip(message)
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed.")
    with pytest.MonkeyPatch.context() as patch, sync_api.sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=shutil.which(CHROMIUM) or CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
        )
        yield browser
        browser.close()


def _route_external(live_server_url):
    local = urlsplit(live_server_url).netloc

    def handle(route):
        url = urlsplit(route.request.url)
        if "/recaptcha/" in url.path:
            route.fulfill(status=200, content_type="text/javascript", body=RECAPTCHA_STUB)
        elif url.path == "/favicon.ico":
            # Chromium asks for it after every page; answered by the live
            # server, the 404 view would query the database from the server
            # thread while the test goes on using it (on SQLite the two share
            # one in-memory connection): a race that made tests flaky.
            route.fulfill(status=204)
        elif url.netloc == local or url.scheme in ("data", "blob"):
            route.continue_()
        else:
            route.abort()

    return handle


@pytest.fixture
def new_context(browser, live_server):
    """Make independent browser profiles; all are closed after the test."""
    contexts = []

    def make(**options):
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        context.route("**/*", _route_external(live_server.url))
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def context(new_context):
    return new_context()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def console_errors(page):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    return errors
