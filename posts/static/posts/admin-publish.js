'use strict';
// The article form's save button says what will happen (posts/publishing.py):
// "Save draft", "Publish", "Schedule for 3 Dec, 09:00" or "Update", updated as the
// editor changes the status or the publication time. Times are the site's: the
// server gives its local "now" (data-now) and the browser's clock moves it on.
(function () {
  const buttons = document.querySelectorAll('input[name=_save][data-publish-label]');
  const status = document.getElementById('id_status');
  const date = document.getElementById('id_pub_date_0');
  const time = document.getElementById('id_pub_date_1');
  if (!buttons.length || !status || !date || !time) {
    return;
  }
  const first = buttons[0];
  const serverNow = Date.parse(first.dataset.now + 'Z');
  const loadedAt = Date.now();
  const wasPublished = first.dataset.wasPublished === '1';
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

  // The typed time as if it were UTC (the site's wall clock), or null.
  function typedTime() {
    const d = date.value.trim().match(/^(\d{4})-(\d{1,2})-(\d{1,2})$/) ||
      date.value.trim().match(/^(\d{1,2})\/(\d{1,2})\/(\d{4})$/);
    const t = time.value.trim().match(/^(\d{1,2}):(\d{2})(?::(\d{2}))?/);
    if (!d || !t) {
      return null;
    }
    const [year, month, day] = d[1].length === 4 ? [d[1], d[2], d[3]] : [d[3], d[1], d[2]];
    return Date.UTC(Number(year), Number(month) - 1, Number(day),
      Number(t[1]), Number(t[2]), Number(t[3] || 0));
  }

  function two(n) {
    return String(n).padStart(2, '0');
  }

  function label() {
    if (status.value !== 'published' && status.value !== 'scheduled') {
      return 'Save draft';
    }
    const moment = typedTime();
    const now = serverNow + (Date.now() - loadedAt);
    if (moment !== null && moment > now) {
      const m = new Date(moment);
      return `Schedule for ${m.getUTCDate()} ${months[m.getUTCMonth()]}, ` +
        `${two(m.getUTCHours())}:${two(m.getUTCMinutes())}`;
    }
    return wasPublished ? 'Update' : 'Publish';
  }

  function update() {
    const words = label();
    buttons.forEach((button) => {
      button.value = words;
    });
  }

  [status, date, time].forEach((field) => {
    field.addEventListener('input', update);
    field.addEventListener('change', update);
  });
  // The admin's calendar and clock pickers set the fields without events.
  document.addEventListener('click', () => window.setTimeout(update, 0));
  update();
})();
