"""markup.html.dropped_elements, and the only ids an article keeps (notes' anchors)."""

from markup.html import ARTICLE, COMMENT, clean, dropped_elements


def test_dropped_elements_are_counted_by_name():
    html = "<div><form><input><input/><p>Kept <font>text</font></p></form><script>x</script></div>"
    assert dropped_elements(html, ARTICLE) == {
        "div": 1, "form": 1, "input": 2, "font": 1, "script": 1
    }  # fmt: skip
    assert dropped_elements("<p><em>a</em> <table><tr><td>b</td></tr></table></p>", ARTICLE) == {}
    assert dropped_elements("<p><em>a</em> <table></table></p>", COMMENT) == {"table": 1}


def test_dropped_elements_of_text_without_markup():
    assert dropped_elements("", ARTICLE) == {}
    assert dropped_elements("a < b and c > d", ARTICLE) == {}


def test_only_note_ids_survive_cleaning():
    html = '<p id="x"><a id="main" href="#fn-a">a</a><a id="fnref-a" href="#fn-a">b</a></p>'
    assert clean(html, ARTICLE) == '<p><a href="#fn-a">a</a><a id="fnref-a" href="#fn-a">b</a></p>'
    assert clean('<li id="fn-a&quot;x">n</li>', ARTICLE) == "<li>n</li>"
