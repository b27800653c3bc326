"""
The article form's rich-text body (posts/editor.py): the editor's widget under
the CSP, text bodies opened as the same paragraphs and saved as HTML with the
same rendering, HTML stored cleaned with the one allow-list (hostile markup,
Word and Google Docs clipboards), and quotation markers always alone in their
paragraph.
"""

import io
import re

import pytest
from django.core.management import call_command

from markup.html import ARTICLE, clean
from posts.editor import ArticleBodyForm
from posts.models import Article
from posts.rendering import render_body
from tests.factories import ArticleFactory, OutletFactory, QuotationFactory
from tests.posts.test_admin import ADD_URL, article_form

pytestmark = pytest.mark.django_db


def change_url(article):
    return f"/admin/posts/article/{article.pk}/change/"


def post_html(client, url, body, **extra):
    data = article_form(body=body, body_format=Article.BodyFormat.HTML, **extra)
    return client.post(url, data)


# The widget ------------------------------------------------------------------


def test_body_is_the_editor_loaded_as_a_module_with_no_inline_script(editor_client):
    html = editor_client.get(ADD_URL).content.decode()
    assert re.search(r'<textarea[^>]+name="body"[^>]+data-body-editor="[^"]*pickerUrl', html)
    assert '<script src="/static/posts/editor.js" type="module"></script>' in html
    assert '<link href="/static/django_prose_editor/editor.css"' in html
    # The editor's module finds editor.js beside it: no import map (an inline script).
    assert 'type="importmap"' not in html
    for script in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in script or 'type="application/json"' in script, script
    assert re.search(r'<input type="hidden" name="body_format" value="html"', html)


# Text bodies -----------------------------------------------------------------


def test_a_text_body_opens_as_the_html_it_renders_to(editor_client):
    article = ArticleFactory(body="One.\nStill one.\n\n[quote 1]\n\nTwo <em>em</em>.")
    form = editor_client.get(change_url(article)).context["adminform"].form
    assert form.initial["body"] == article.body_html
    assert form.initial["body_format"] == Article.BodyFormat.HTML


def test_demo_and_fixture_bodies_render_the_same_once_saved_from_the_editor():
    """
    Every demo article's text body, opened in the editor (as its rendered HTML)
    and saved (the form cleans it again as HTML), keeps exactly its body_html.
    """
    call_command("load_demo", stdout=io.StringIO())
    call_command("import_wordpress", "tests/fixtures/wordpress/small.xml", stdout=io.StringIO())
    articles = list(Article.objects.all())
    assert any(a.body_format == Article.BodyFormat.TEXT for a in articles)
    assert any(a.body_format == Article.BodyFormat.HTML for a in articles)
    for article in articles:
        before = article.body_html
        opened = ArticleBodyForm(instance=article).initial["body"]
        if article.body_format == Article.BodyFormat.HTML:
            opened = article.body
        article.body = render_body(opened, html=True)  # what the form's clean() stores
        article.body_format = Article.BodyFormat.HTML
        article.save()
        article.refresh_from_db()
        assert article.body_html == before, article.title


def test_saving_a_text_article_from_the_editor_keeps_its_rendering(editor_client):
    article = ArticleFactory(slug="kept", body="One.\nStill one.\n\nTwo.")
    before = article.body_html
    form = editor_client.get(change_url(article)).context["adminform"].form
    response = post_html(
        editor_client,
        change_url(article),
        form.initial["body"],
        title=article.title,
        slug="kept",
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body_format == Article.BodyFormat.HTML
    assert article.body == article.body_html == before


def test_a_new_article_from_the_editor_is_html(editor_client):
    response = post_html(editor_client, ADD_URL, "<h2>Heading</h2><p>Text.</p>")
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.body_format == Article.BodyFormat.HTML
    assert article.body_html == "<h2>Heading</h2><p>Text.</p>"


def test_an_empty_editor_is_refused_with_the_rest_kept(editor_client):
    response = post_html(editor_client, ADD_URL, "<p></p>", title="Kept title")
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["body"] == ["Write the article's text."]
    assert form["title"].value() == "Kept title"


# HTML cleaned on save ----------------------------------------------------------

HOSTILE = (
    '<p onclick="alert(1)">Hi<script>alert(2)</script> <a href="javascript:alert(3)">x</a>'
    '<img src="https://evil.example/t.gif" onerror="alert(4)" alt="t"></p>'
    '<table style="position:fixed"><tr><td onmouseover="alert(5)">c</td></tr></table>'
    '<details open ontoggle="alert(6)"><summary>s</summary></details>'
    '<iframe src="https://evil.example/"></iframe><svg onload=alert(7)></svg>'
)


def test_raw_html_is_stored_cleaned(editor_client):
    response = post_html(editor_client, ADD_URL, HOSTILE)
    assert response.status_code == 302
    article = Article.objects.get()
    assert (
        article.body
        == article.body_html
        == (
            '<p>Hi <a>x</a><img alt="t"></p><table><tbody><tr><td>c</td></tr></tbody></table>'
            "<details><summary>s</summary></details>"
        )
    )


# What Word and Google Docs put on the clipboard (abridged from real copies).
WORD_CLIPBOARD = """<html xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word"><head><meta charset="utf-8">
<style><!-- p.MsoNormal {margin:0in; font-family:"Calibri",sans-serif;} --></style></head>
<body lang=EN-US style='tab-interval:.5in'><!--StartFragment-->
<p class=MsoNormal><b><span style='font-size:14.0pt;mso-bidi-font-family:Calibri'>Field
notes</span></b><o:p></o:p></p>
<p class=MsoNormal>Turnout <i style='mso-bidi-font-style:normal'>rose</i> in
<span style='color:#C00000'>every</span> ward.<o:p></o:p></p>
<p class=MsoListParagraphCxSpFirst style='text-indent:-.25in;mso-list:l0 level1 lfo1'>
<![if !supportLists]><span style='font-family:Symbol'>·<span style='font:7.0pt "Times"'>
</span></span><![endif]>Door knocks<o:p></o:p></p>
<table class=MsoTableGrid border=1 style='border-collapse:collapse'><tr>
<td width=312 valign=top style='width:233.75pt;padding:0in 5.4pt'><p class=MsoNormal>Ward
<o:p></o:p></p></td></tr></table>
<!--EndFragment--></body></html>"""

GOOGLE_DOCS_CLIPBOARD = (
    '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-1a2b3c">'
    '<h2 dir="ltr" style="line-height:1.38;margin-top:18pt"><span style="font-size:16pt;'
    'font-family:Arial;color:#000000;font-weight:400">Where the votes are</span></h2>'
    '<p dir="ltr" style="line-height:1.38"><span style="font-weight:700">Knock</span>'
    '<span style="font-style:italic"> early</span> <a href="https://example.org/r" '
    'style="text-decoration:none"><span style="color:#1155cc">report</span></a></p>'
    '<ul style="margin-top:0"><li dir="ltr" style="list-style-type:disc" aria-level="1">'
    '<p dir="ltr" role="presentation"><span>Door by door</span></p></li></ul></b>'
)


@pytest.mark.parametrize("clipboard", [WORD_CLIPBOARD, GOOGLE_DOCS_CLIPBOARD])
def test_word_and_google_docs_markup_is_cleaned_on_save(editor_client, clipboard):
    response = post_html(editor_client, ADD_URL, clipboard)
    assert response.status_code == 302
    body = Article.objects.get().body
    for leftover in ("style", "class=", "<span", "<o:p", "mso-", "<!--", "<meta", "docs-internal"):
        assert leftover not in body
    assert clean(body, ARTICLE) == body
    if clipboard is WORD_CLIPBOARD:
        assert "<b>Field\nnotes</b>" in body and "<i>rose</i>" in body
        assert "<table><tbody><tr>\n<td><p>Ward\n</p></td></tr></tbody></table>" in body
    else:
        assert "<h2>Where the votes are</h2>" in body
        assert '<a href="https://example.org/r">report</a>' in body
        assert "<ul><li><p>Door by door</p></li></ul>" in body


# Quotation markers ---------------------------------------------------------------


def _quotation(outlet, order=1):
    return {
        "quotations-TOTAL_FORMS": "1",
        "quotations-0-order": str(order),
        "quotations-0-speaker": "Gabriel Debenedetti",
        "quotations-0-outlet": str(outlet.pk),
        "quotations-0-source_url": "https://www.politico.com/news/example",
        "quotations-0-text": "Democrats are rethinking where they campaign.",
    }


def _quotation_errors(response):
    return [
        str(error)
        for error in response.context["inline_admin_formsets"][0].formset.non_form_errors()
    ]


@pytest.mark.parametrize(
    "body",
    [
        "<p>As Weiss put it [quote 1] in her piece.</p><p>[quote 1]</p>",
        "<p>[quote 1]</p><p>As Weiss put it [quote 1] in her piece.</p>",
        "<p>[quote 1]</p><h2>Heading [quote 1]</h2>",
        "<p>[quote 1]</p><ul><li>[quote 1]</li></ul>",
    ],
)
def test_a_marker_inside_a_paragraph_is_an_error_wherever_else_it_is_placed(editor_client, body):
    outlet = OutletFactory()
    response = post_html(editor_client, ADD_URL, body, **_quotation(outlet))
    assert response.status_code == 200
    assert _quotation_errors(response) == [
        "[quote 1] stands inside a paragraph of the body, where readers would see the marker "
        "itself: put it in a paragraph of its own (the editor's “Insert quotation” button does) "
        "or remove it."
    ]
    assert response.context["adminform"].form["body"].value() == body
    assert not Article.objects.exists()


def test_a_text_body_marker_inside_a_paragraph_also_placed_elsewhere_is_an_error(editor_client):
    outlet = OutletFactory()
    data = article_form(
        body="As Weiss put it [quote 1] in her piece.\n\n[quote 1]", **_quotation(outlet)
    )
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "[quote 1] stands inside a paragraph" in " ".join(_quotation_errors(response))


def test_the_editor_s_quotation_paragraph_places_the_quotation(editor_client, client):
    outlet = OutletFactory(name="Politico")
    response = post_html(
        editor_client, ADD_URL, "<p>Before.</p><p>[quote 1]</p><p>After.</p>", **_quotation(outlet)
    )
    assert response.status_code == 302
    article = Article.objects.get()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Democrats are rethinking where they campaign." in html
    assert "[quote 1]" not in html


def test_existing_text_bodies_with_markers_still_render(client):
    article = ArticleFactory(body="One.\n\n[quote 1]\n\nTwo.")
    QuotationFactory(article=article, order=1, text="Contact rates doubled.")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Contact rates doubled." in html and "[quote 1]" not in html
