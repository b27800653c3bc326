'use strict';
// The queue's article filter (comments/admin.py, ArticleFilter): the box that
// finds an article by its title (select2, set up by Django's autocomplete.js)
// is shown, and choosing an article shows its comments.
{
    const $ = django.jQuery;
    $(function() {
        for (const form of document.querySelectorAll('.article-filter-form')) {
            form.hidden = false;
            $(form).find('select').on('change', () => form.submit());
        }
    });
}
