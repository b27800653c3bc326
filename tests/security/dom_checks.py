"""Static checks of sanitized HTML, parsed the way a browser parses it (html5lib)."""

import re

from bleach._vendor import html5lib

DANGEROUS_ELEMENTS = {
    "script", "style", "iframe", "frame", "object", "embed", "svg", "math", "link", "meta",
    "base", "form", "input", "button", "textarea", "select", "template", "noscript", "xmp",
    "video", "audio", "source", "marquee", "isindex", "keygen", "applet",
}  # fmt: skip
# <details> and <summary> are article markup (markup.html.ARTICLE): with no
# attribute kept they run nothing; an ontoggle= or other on* attribute left on
# one is still found below, as on any element.
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "cite", "data", "srcdoc", "xlink:href", "poster",
    "background", "lowsrc", "dynsrc", "srcset",
}  # fmt: skip
SAFE_SCHEMES = {"http", "https", "mailto"}
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]+")


def url_scheme(value: str) -> str | None:
    """
    The scheme a browser would see in a parsed (entity-decoded) URL attribute
    value, or None for a relative URL. Control characters and whitespace are
    dropped everywhere, more than a browser does, to err on the side of alarm.
    """
    cleaned = _CONTROL.sub("", value).lower()
    match = re.match(r"^([a-z][a-z0-9+.\-]*):", cleaned)
    return match.group(1) if match else None


def problems(html: str) -> list[str]:
    """What in this fragment could run script: empty when it is inert."""
    found = []
    fragment = html5lib.parseFragment(html, namespaceHTMLElements=False)
    for element in fragment.iter():
        if not isinstance(element.tag, str):
            continue  # comments
        tag = element.tag.split("}")[-1].lower()
        if tag in DANGEROUS_ELEMENTS:
            found.append(f"<{tag}> element")
        for name, value in element.attrib.items():
            name = name.split("}")[-1].lower() if isinstance(name, str) else str(name)
            if name.startswith("on"):
                found.append(f"{name} attribute on <{tag}>")
            if name == "style":
                found.append(f"style attribute on <{tag}>")
            if name in URL_ATTRIBUTES:
                scheme = url_scheme(value)
                if scheme is not None and scheme not in SAFE_SCHEMES:
                    found.append(f"{scheme}: URL in {name} of <{tag}>")
    return found
