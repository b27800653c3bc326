'use strict';
// The moderators' queue (comments/admin.py, CommentAdmin), with JavaScript:
// - the row actions (Approve, Unapprove, Spam, Trash, Not spam, Restore, Delete
//   permanently) are sent with fetch() and the row changes in place; after Spam
//   and Trash the row says so, with an Undo button;
// - Reply (as the publication) and Quick edit open under the comment;
// - WordPress's keyboard shortcuts: j/k select the next/previous comment, a
//   approve (or unapprove), s spam, t trash, r reply, q quick edit, u undo the
//   last action, Esc closes an editor; ignored while typing in a field.
// Everything done is announced in the #queue-live region. Without this script
// every button and link still works: the buttons post the changelist form, and
// Reply and Quick edit are pages of their own.
{
    // Found when the page has loaded (this script runs in the head).
    let live = null;
    let form = null;
    const KEYS = {a: ['approve', 'unapprove'], s: ['spam'], t: ['trash'], r: ['reply'], q: ['quick-edit']};
    const GONE = new Set(['spam', 'trash', 'restore', 'delete']);
    let selected = null;
    let lastUndo = null;

    function announce(text) {
        // The same words twice in a row are still read out.
        live.textContent = live.textContent === text ? text + '\u00a0' : text;
    }

    function csrfToken() {
        return form.querySelector('input[name="csrfmiddlewaretoken"]').value;
    }

    function rows() {
        return Array.from(document.querySelectorAll('#result_list tbody tr.queue-row'));
    }

    function authorOf(row) {
        const block = row.querySelector('.queue-comment');
        return block ? block.dataset.author : '';
    }

    async function send(url, fields) {
        const body = new FormData();
        body.append('csrfmiddlewaretoken', csrfToken());
        body.append('list_query', window.location.search);
        for (const [name, value] of fields || []) {
            body.append(name, value);
        }
        const response = await fetch(url, {
            method: 'POST',
            body: body,
            credentials: 'same-origin',
            headers: {'Accept': 'application/json'},
        });
        let data = {};
        try {
            data = await response.json();
        } catch (error) {
            data = {};
        }
        if (!response.ok && !data.fields && !data.errors) {
            throw new Error(data.message || 'The server answered ' + response.status + '; nothing was changed.');
        }
        return {ok: response.ok, data: data};
    }

    // The navigation's "3 pending" and "2 new spam" (templates/admin/app_list.html).
    function recount(data) {
        if (typeof data.pending !== 'number') {
            return;
        }
        const links = document.querySelectorAll('.moderation-counts .moderation-count');
        const counts = [[data.pending, ' pending'], [data.new_spam, ' new spam']];
        links.forEach((link, index) => {
            if (counts[index]) {
                link.textContent = counts[index][0] + counts[index][1];
                link.classList.toggle('moderation-count-due', counts[index][0] > 0);
            }
        });
    }

    function refresh(row, data) {
        recount(data);
        const author = row.querySelector('td.field-author_column');
        const comment = row.querySelector('td.field-comment_column');
        if (author && data.author) {
            author.innerHTML = data.author;
        }
        if (comment && data.comment) {
            comment.innerHTML = data.comment;
        }
    }

    function select(row, quiet) {
        if (selected) {
            selected.classList.remove('queue-selected');
        }
        selected = row;
        if (!row) {
            return;
        }
        row.classList.add('queue-selected');
        row.focus({preventScroll: false});
        row.scrollIntoView({block: 'nearest'});
        if (!quiet) {
            const all = rows();
            const label = row.classList.contains('queue-row-gone') ? row.textContent.trim() : 'by ' + authorOf(row);
            announce('Comment ' + (all.indexOf(row) + 1) + ' of ' + all.length + ' selected, ' + label);
        }
    }

    // A row whose comment left this view (spam, trash, restored, deleted): its
    // cells are kept to be put back by Undo.
    function setAside(row, message, undoUrl) {
        const cells = Array.from(row.children);
        const cell = document.createElement('td');
        cell.colSpan = cells.length;
        cell.className = 'queue-notice';
        const text = document.createElement('span');
        text.textContent = message;
        cell.append(text);
        let putBack = null;
        if (undoUrl) {
            const button = document.createElement('button');
            button.type = 'button';
            button.className = 'button queue-undo';
            button.textContent = 'Undo';
            putBack = async () => {
                const {data} = await send(undoUrl);
                row.replaceChildren(...cells);
                row.classList.remove('queue-row-gone');
                refresh(row, data);
                return data;
            };
            button.addEventListener('click', () => undo(putBack));
            cell.append(' ', button);
        }
        row.replaceChildren(cell);
        row.classList.add('queue-row-gone');
        return putBack;
    }

    // Undo the last action, or the step of the Undo button pressed.
    async function undo(step) {
        step = step || lastUndo;
        if (!step) {
            announce('Nothing to undo.');
            return;
        }
        if (step === lastUndo) {
            lastUndo = null;
        }
        try {
            const data = await step();
            announce('Undone. ' + data.message);
        } catch (error) {
            announce(error.message);
        }
    }

    async function act(row, button) {
        const action = button.dataset.action;
        button.disabled = true;
        try {
            const {data} = await send(button.getAttribute('formaction'));
            recount(data);
            if (GONE.has(action)) {
                const putBack = setAside(row, data.message, data.undo_url);
                lastUndo = putBack;
                announce(data.message + (putBack ? ' Press u or the Undo button to undo.' : ''));
                const undoButton = row.querySelector('.queue-undo');
                if (undoButton && row === selected) {
                    undoButton.focus();
                }
            } else {
                refresh(row, data);
                lastUndo = data.undo_url ? async () => {
                    const result = await send(data.undo_url);
                    refresh(row, result.data);
                    return result.data;
                } : null;
                announce(data.message);
                if (row === selected) {
                    row.focus();
                }
            }
        } catch (error) {
            button.disabled = false;
            announce(error.message);
        }
    }

    function closeEditor(row) {
        const next = row.nextElementSibling;
        if (next && next.classList.contains('queue-editor-row')) {
            next.remove();
        }
    }

    function editorRow(row, title) {
        closeEditor(row);
        const editor = document.createElement('tr');
        editor.className = 'queue-editor-row';
        const cell = document.createElement('td');
        cell.colSpan = row.children.length;
        const box = document.createElement('div');
        box.className = 'queue-editor';
        box.setAttribute('role', 'group');
        box.setAttribute('aria-label', title);
        cell.append(box);
        editor.append(cell);
        row.after(editor);
        return box;
    }

    function editorButtons(box, label, save, row) {
        const buttons = document.createElement('div');
        buttons.className = 'queue-editor-buttons';
        const saveButton = document.createElement('button');
        saveButton.type = 'button';
        saveButton.className = 'button default queue-editor-save';
        saveButton.textContent = label;
        saveButton.addEventListener('click', save);
        const cancel = document.createElement('button');
        cancel.type = 'button';
        cancel.className = 'button queue-editor-cancel';
        cancel.textContent = 'Cancel';
        cancel.addEventListener('click', () => {
            closeEditor(row);
            row.focus();
            announce('Closed.');
        });
        buttons.append(saveButton, ' ', cancel);
        box.append(buttons);
        box.addEventListener('keydown', (event) => {
            if (event.key === 'Escape') {
                event.preventDefault();
                cancel.click();
            } else if (event.key === 'Enter' && (event.target.tagName !== 'TEXTAREA' || event.ctrlKey || event.metaKey)) {
                // Not the changelist form's submission: this editor's.
                event.preventDefault();
                save();
            }
        });
    }

    function openReply(row, link) {
        const pk = row.querySelector('.queue-comment').dataset.commentId;
        const box = editorRow(row, 'Reply to ' + authorOf(row));
        const label = document.createElement('label');
        label.htmlFor = 'queue-reply-' + pk;
        label.textContent = 'Reply to ' + authorOf(row) + ' as the publication:';
        const text = document.createElement('textarea');
        text.id = 'queue-reply-' + pk;
        text.rows = 5;
        text.maxLength = 10000;
        const errors = document.createElement('p');
        errors.className = 'queue-field-errors';
        errors.id = 'queue-reply-' + pk + '-errors';
        errors.hidden = true;
        text.setAttribute('aria-describedby', errors.id);
        const help = document.createElement('p');
        help.className = 'help';
        help.textContent = 'Published at once, approved, under the publication’s name; a held comment answered is approved.';
        box.append(label, text, errors, help);
        editorButtons(box, 'Publish reply', async () => {
            try {
                const {ok, data} = await send(link.getAttribute('href'), [['body', text.value]]);
                if (!ok) {
                    const messages = Object.values(data.errors || {}).flat().map((error) => error.message);
                    errors.textContent = messages.join(' ') || 'Please correct the reply.';
                    errors.hidden = false;
                    text.setAttribute('aria-invalid', 'true');
                    text.focus();
                    announce(errors.textContent);
                    return;
                }
                closeEditor(row);
                refresh(row, data);
                lastUndo = null;
                row.focus();
                announce(data.message);
            } catch (error) {
                errors.textContent = error.message;
                errors.hidden = false;
                announce(error.message);
            }
        }, row);
        text.focus();
        announce('Reply to ' + authorOf(row) + ' opened.');
    }

    async function openQuickEdit(row, link) {
        const url = link.dataset.quickEditUrl;
        let html;
        try {
            const response = await fetch(url, {credentials: 'same-origin', headers: {'Accept': 'text/html'}});
            if (!response.ok) {
                throw new Error('The quick edit could not be opened (' + response.status + ').');
            }
            html = await response.text();
        } catch (error) {
            announce(error.message);
            return;
        }
        const box = editorRow(row, 'Quick edit');
        const fields = document.createElement('div');
        fields.className = 'queue-quick-edit';
        fields.innerHTML = html;
        box.append(fields);
        editorButtons(box, 'Update comment', async () => {
            const values = [];
            for (const field of fields.querySelectorAll('input, textarea, select')) {
                if (field.name && field.name !== 'csrfmiddlewaretoken') {
                    values.push([field.name, field.value]);
                }
            }
            try {
                const {ok, data} = await send(url, values);
                if (!ok) {
                    fields.innerHTML = data.fields;
                    const invalid = fields.querySelector('.queue-field-errors');
                    const input = invalid && invalid.parentElement.querySelector('input, textarea, select');
                    if (input) {
                        input.setAttribute('aria-invalid', 'true');
                        input.setAttribute('aria-describedby', invalid.id);
                        input.focus();
                    }
                    announce(data.message + ' ' + (invalid ? invalid.textContent.trim() : ''));
                    return;
                }
                closeEditor(row);
                refresh(row, data);
                lastUndo = null;
                row.focus();
                announce(data.message);
            } catch (error) {
                announce(error.message);
            }
        }, row);
        const first = fields.querySelector('input, textarea, select');
        if (first) {
            first.focus();
        }
        announce('Quick edit of the comment by ' + authorOf(row) + ' opened.');
    }

    function run(row, control) {
        select(row, true);
        const action = control.dataset.action;
        if (action === 'reply') {
            openReply(row, control);
        } else if (action === 'quick-edit') {
            openQuickEdit(row, control);
        } else {
            act(row, control);
        }
    }

    function typing(target) {
        return target.closest('input, textarea, select, [contenteditable="true"], .select2-container');
    }

    function start() {
        for (const row of document.querySelectorAll('#result_list tbody tr')) {
            if (row.querySelector('.queue-comment')) {
                row.classList.add('queue-row');
                row.tabIndex = -1;
            }
        }
        form.addEventListener('click', (event) => {
            const control = event.target.closest('.row-action[data-action]');
            if (!control) {
                return;
            }
            const row = control.closest('tr.queue-row');
            if (!row) {
                return;
            }
            event.preventDefault();
            run(row, control);
        });
        form.addEventListener('focusin', (event) => {
            const row = event.target.closest('tr.queue-row');
            if (row && row !== selected) {
                select(row, true);
            }
        });
        document.addEventListener('keydown', (event) => {
            if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
                return;
            }
            const key = event.key;
            const all = rows();
            if (key === 'j' || key === 'k') {
                event.preventDefault();
                if (!all.length) {
                    announce('No comments in this list.');
                    return;
                }
                const at = all.indexOf(selected);
                const next = key === 'j' ? Math.min(at + 1, all.length - 1) : Math.max(at - 1, 0);
                select(all[at === -1 ? 0 : next]);
            } else if (key === 'u') {
                event.preventDefault();
                undo(null);
            } else if (KEYS[key]) {
                event.preventDefault();
                if (!selected || !document.contains(selected)) {
                    announce('Select a comment first: press j.');
                    return;
                }
                const control = KEYS[key]
                    .map((action) => selected.querySelector('.row-action[data-action="' + action + '"]'))
                    .find((found) => found);
                if (!control) {
                    announce('Not available for this comment.');
                    return;
                }
                run(selected, control);
            }
        });
    }

    function init() {
        live = document.getElementById('queue-live');
        form = document.getElementById('changelist-form');
        // #queue-settings is there for those who may moderate.
        if (document.getElementById('queue-settings') && live && form) {
            start();
        }
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', init);
    } else {
        init();
    }
}
