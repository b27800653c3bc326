'use strict';
// The article form's tag field (posts/tag_field.py): Django's select2 autocomplete
// with tags: true. A name typed and confirmed with Enter becomes an option
// "new:<name>", created on the server when the article is saved. No pop-up.
// Started once the page has loaded: the admin's media may place this file before
// jQuery and select2.
document.addEventListener('DOMContentLoaded', () => {
    const $ = django.jQuery;

    function start(element) {
        const prefix = element.dataset.newPrefix;
        $(element).select2({
            tags: true,
            createTag: (params) => {
                const term = params.term.trim().replace(/\s+/g, ' ');
                return term ? {id: prefix + term, text: term, newTag: true} : null;
            },
            templateResult: (item) => (item.newTag ? `${item.text} (new tag)` : item.text),
            ajax: {
                data: (params) => ({
                    term: params.term,
                    page: params.page,
                    app_label: element.dataset.appLabel,
                    model_name: element.dataset.modelName,
                    field_name: element.dataset.fieldName,
                }),
            },
        });
    }

    $('.admin-tag-autocomplete').not('[name*=__prefix__]').each((i, element) => start(element));
});
