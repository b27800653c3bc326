"""
The one text pipeline of the site: plain text and HTML from editors, readers
and WordPress exports become safe HTML here, and text goes out into feeds here.

``markup.html`` holds bleach and the two allow-lists (``ARTICLE``, ``COMMENT``)
with ``clean`` and ``render_text``; ``markup.text`` holds the paragraph splitter
(``paragraphs``) and the XML filter (``xml_safe``). Plain Python: no models, and
nothing imported from the site's apps.
"""
