'use strict';
// Autosave of an admin change form (autosave.admin.AutosaveAdminMixin): the form's
// contents are posted to data-save-url a few seconds after the editor stops typing,
// and polled every data-interval milliseconds as a fallback (widgets such as a
// rich-text editor update their hidden field without firing events), only when
// they changed. Leaving the page with unsaved changes asks first.
(function () {
  const config = document.getElementById('autosave');
  if (!config) {
    return;
  }
  const form = config.closest('form');
  const status = config.querySelector('.autosave-status');
  const interval = Number(config.dataset.interval) || 3000;
  let baseline = null;
  let lastSent = null;
  let sending = false;
  let submitting = false;
  let timer = null;

  function serialize() {
    const pairs = [];
    for (const [name, value] of new FormData(form)) {
      if (typeof value !== 'string' || name === 'csrfmiddlewaretoken' || name.includes('__prefix__')) {
        continue;
      }
      pairs.push([name, value]);
    }
    return new URLSearchParams(pairs).toString();
  }

  function csrfToken() {
    const field = form.querySelector('input[name=csrfmiddlewaretoken]');
    return field ? field.value : '';
  }

  function isDirty() {
    return baseline !== null && (config.dataset.unsaved === '1' || serialize() !== baseline);
  }

  function save() {
    if (baseline === null || sending || submitting) {
      return;
    }
    const contents = serialize();
    if (contents === lastSent) {
      return;
    }
    sending = true;
    fetch(config.dataset.saveUrl, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-CSRFToken': csrfToken(),
      },
      body: contents,
    }).then((response) => {
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      return response.json();
    }).then((answer) => {
      lastSent = contents;
      status.textContent = answer.label;
    }).catch(() => {
      status.textContent = 'Autosave failed; your changes are still on this page.';
    }).finally(() => {
      sending = false;
    });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, interval);
  }

  function start() {
    baseline = serialize();
    lastSent = config.dataset.unsaved === '1' ? null : baseline;
    form.addEventListener('input', schedule);
    form.addEventListener('change', schedule);
    window.setInterval(save, interval);
  }

  form.addEventListener('submit', (event) => {
    const submitter = event.submitter;
    // A preview opens in another tab: this page stays.
    if (!submitter || submitter.getAttribute('formtarget') !== '_blank') {
      submitting = true;
    }
  });

  window.addEventListener('beforeunload', (event) => {
    if (!submitting && isDirty()) {
      event.preventDefault();
      event.returnValue = '';
    }
  });

  const restore = config.querySelector('[data-autosave-restore]');
  if (restore) {
    restore.addEventListener('click', () => {
      submitting = true;  // Replacing the form with the autosave is what was asked.
    });
  }
  const discard = config.querySelector('[data-autosave-discard]');
  if (discard) {
    discard.addEventListener('click', () => {
      fetch(config.dataset.discardUrl, {
        method: 'POST',
        credentials: 'same-origin',
        headers: {'X-CSRFToken': csrfToken()},
      }).then((response) => {
        if (response.ok) {
          const notice = config.querySelector('.autosave-notice');
          notice.replaceChildren();
          const done = document.createElement('p');
          done.textContent = 'Autosave discarded.';
          notice.append(done);
        }
      });
    });
  }

  // Widgets (select2, a rich-text editor) finish setting their fields after the
  // page's scripts ran: the baseline is taken once the page has loaded.
  if (document.readyState === 'complete') {
    window.setTimeout(start, 0);
  } else {
    window.addEventListener('load', () => window.setTimeout(start, 0));
  }
})();
