"""
Chromium (Playwright, Debian's /usr/bin/chromium) with watchers for anything
an injected payload could do: dialogs, console output, page errors, and
Content-Security-Policy violations (which would mean markup got past the
sanitizers and was stopped only by the policy, or that a template of ours has
an inline script or style the policy blocks).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Google's script replaced by a stand-in: no request leaves the machine.
RECAPTCHA_STAND_IN = """
window.grecaptcha = {
  ready: function (callback) { callback(); },
  execute: function () { return Promise.resolve("token-from-the-stand-in"); },
  render: function () { return 0; },
  getResponse: function () { return "token-from-the-stand-in"; },
  reset: function () {}
};
"""

INIT_SCRIPT = """
window.__xss = function (n) { console.log("XSS-EXECUTED " + n); };
document.addEventListener("securitypolicyviolation", function (e) {
  console.log("CSP-VIOLATION " + e.violatedDirective + " " + e.blockedURI + " "
    + (e.sample || ""));
});
"""

# Every element and attribute in the live DOM: what could run script.
DOM_SCAN = """
(origin) => {
  const found = [];
  const urlAttrs = ["href", "src", "action", "formaction", "xlink:href", "cite", "data",
                    "poster", "background", "srcdoc", "lowsrc", "dynsrc"];
  const allowedScripts = [origin + "/static/", "https://www.google.com/recaptcha/"];
  for (const el of document.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on")) found.push(`${name} attribute on <${tag}>`);
      if (urlAttrs.includes(name)) {
        const value = attr.value.replace(/[\\u0000-\\u0020\\u007f-\\u009f]/g, "").toLowerCase();
        const scheme = /^([a-z][a-z0-9+.\\-]*):/.exec(value);
        if (scheme && !["http", "https", "mailto"].includes(scheme[1])) {
          found.push(`${scheme[1]}: URL in ${name} of <${tag}>`);
        }
      }
    }
    if (["iframe", "object", "embed", "frame", "base", "svg", "math"].includes(tag)) {
      found.push(`<${tag}> element`);
    }
    if (tag === "script") {
      const src = el.getAttribute("src");
      const type = (el.getAttribute("type") || "").toLowerCase();
      if (!src && type !== "application/json") {
        found.push("inline <script>: " + el.textContent.slice(0, 60));
      } else if (src && !allowedScripts.some((p) => el.src.startsWith(p))) {
        found.push("foreign <script src>: " + src);
      }
    }
  }
  for (const a of document.links) {
    if (a.protocol && !["http:", "https:", "mailto:"].includes(a.protocol)) {
      found.push("link with protocol " + a.protocol);
    }
  }
  return found;
}
"""


@dataclass
class Watcher:
    dialogs: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def attach(self, page):
        def on_dialog(dialog):
            if dialog.type == "beforeunload":
                # The admin's own "leave with unsaved changes?" (autosave.js): its
                # words are the browser's, no payload can write them. Leave.
                dialog.accept()
                return
            self.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on("console", lambda message: self.console.append(message.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def executed(self) -> list[str]:
        """Evidence that a payload ran, or that the policy had to stop something."""
        return self.dialogs + [
            line
            for line in self.console
            if "XSS" in line or "CSP-VIOLATION" in line or "Content Security Policy" in line
        ]

    def clear(self):
        self.dialogs.clear()
        self.console.clear()
        self.errors.clear()


def open_context(browser, base_url: str):
    """A browser context with the watchers' init script and Google stood in for."""
    context = browser.new_context(base_url=base_url)
    context.add_init_script(INIT_SCRIPT)

    def recaptcha(route):
        route.fulfill(status=200, content_type="text/javascript", body=RECAPTCHA_STAND_IN)

    context.route("https://www.google.com/recaptcha/**", recaptcha)
    context.route("https://www.gstatic.com/**", recaptcha)
    # Chromium's request for /favicon.ico after each page would reach the 404
    # view and the database from the live server's thread while the test uses
    # it (one shared in-memory connection on SQLite): see settle() in
    # test_xss_browser.py.
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    return context


def scan(page, origin: str) -> list[str]:
    return page.evaluate(DOM_SCAN, origin)
