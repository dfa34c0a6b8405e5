/* filet - progressive enhancement only: every page works without it.
 * 1. Warns two minutes before the session ends for inactivity and offers
 *    to stay signed in (POST /session/refresh with the CSRF token).
 * 2. Forms with data-autosave="key" keep a server-side draft
 *    (PUT /api/v1/drafts/key) so a timeout never loses half-written work. */
(function () {
  'use strict';
  var body = document.body;
  var idle = parseInt(body.getAttribute('data-idle-seconds') || '0', 10);
  var csrf = body.getAttribute('data-csrf');
  if (!idle || !csrf) return;

  var warning = document.getElementById('session-warning');
  var timer = null;
  function arm() {
    if (timer) clearTimeout(timer);
    if (warning) warning.hidden = true;
    timer = setTimeout(function () { if (warning) warning.hidden = false; }, Math.max(idle - 120, 5) * 1000);
  }
  function post(url, opts) {
    opts = opts || {};
    opts.credentials = 'same-origin';
    opts.headers = Object.assign({ 'X-CSRF-Token': csrf }, opts.headers || {});
    return fetch(url, opts);
  }
  var stay = document.getElementById('session-stay');
  if (stay) stay.addEventListener('click', function () {
    post('/session/refresh', { method: 'POST' }).then(function (r) {
      if (!r.ok) { window.location.href = '/'; return null; }
      return r.json().then(function (d) { idle = d.idle_seconds || idle; arm(); });
    });
  });
  document.addEventListener('htmx:afterRequest', arm);
  arm();

  function fields(form) {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === 'password' || el.type === 'hidden' || el.type === 'submit') return;
      if ((el.type === 'checkbox' || el.type === 'radio') && !el.checked) return;
      out[el.name] = el.value;
    });
    return out;
  }
  Array.prototype.forEach.call(document.querySelectorAll('form[data-autosave]'), function (form) {
    var url = '/api/v1/drafts/' + encodeURIComponent(form.getAttribute('data-autosave'));
    fetch(url, { credentials: 'same-origin' }).then(function (r) { return r.ok ? r.json() : null; }).then(function (d) {
      if (!d || !d.fields) return;
      Object.keys(d.fields).forEach(function (name) {
        var el = form.elements[name];
        if (el && !el.value) el.value = d.fields[name];
      });
      var note = form.querySelector('[data-draft-note]');
      if (note) note.hidden = false;
    });
    var pending = null;
    form.addEventListener('input', function () {
      if (pending) clearTimeout(pending);
      pending = setTimeout(function () {
        post(url, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(fields(form)) }).then(arm);
      }, 1500);
    });
  });
})();
