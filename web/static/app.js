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
      if (el.hasAttribute('data-no-draft')) return; /* another form's fields, sent with this one */
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
        post(url, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(fields(form)) })
          .then(function (r) { return r.ok ? r.json() : null; }).then(arm);
      }, 1500);
    });
  });
})();

/* 3. The assessment form (data-levels): a running count and level while
 *    items are answered - display only, the server's score is the truth. */
(function () {
  'use strict';
  var form = document.querySelector('form[data-levels]');
  var box = document.getElementById('running');
  if (!form || !box) return;
  var levels;
  try { levels = JSON.parse(form.getAttribute('data-levels') || '[]'); } catch (e) { return; }
  if (!levels.length) return;
  var criticalLevel = form.getAttribute('data-critical-level');
  function rank(id) {
    for (var i = 0; i < levels.length; i++) if (levels[i].id === id) return i;
    return -1;
  }
  function set(sel, text) {
    var el = box.querySelector(sel);
    if (el) el.textContent = String(text);
    return el;
  }
  function update() {
    var score = 0, yes = 0, critical = false;
    Array.prototype.forEach.call(form.querySelectorAll('input[type=radio][data-weight]:checked'), function (el) {
      yes++;
      score += parseInt(el.getAttribute('data-weight') || '0', 10) || 0;
      if (el.hasAttribute('data-critical')) critical = true;
    });
    var answered = form.querySelectorAll('fieldset.item input[type=radio]:checked').length;
    var at = 0;
    for (var i = 0; i < levels.length; i++) if (score >= levels[i].min) at = i;
    if (critical && rank(criticalLevel) > at) at = rank(criticalLevel);
    set('[data-score]', score);
    set('[data-yes]', yes);
    set('[data-answered]', answered);
    var badge = set('[data-level]', levels[at].label);
    if (badge) badge.className = 'risk risk-' + levels[at].id;
  }
  form.addEventListener('change', update);
  update();
  box.hidden = false;
})();

/* 4. A refused form: the keyboard starts at the list of problems, whose
 *    links lead to each field. */
(function () {
  'use strict';
  var summary = document.querySelector('.error-summary[tabindex="-1"]');
  if (summary && typeof summary.focus === 'function') summary.focus();
})();

/* 5. The meeting screen's timer: a countdown to the target end of the
 *    situation (without JavaScript the start and target end are shown). */
(function () {
  var timer = document.querySelector('[data-timer-end]');
  if (!timer) return;
  var end = Date.parse(timer.getAttribute('data-timer-end'));
  var out = timer.querySelector('[data-countdown]');
  if (!out || isNaN(end)) return;
  out.parentNode.hidden = false;
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function tick() {
    var left = Math.round((end - Date.now()) / 1000), neg = left < 0;
    if (neg) left = -left;
    out.textContent = (neg ? '-' : '') + pad(Math.floor(left / 60)) + ':' + pad(left % 60);
    timer.classList.toggle('overtime', neg);
  }
  tick();
  setInterval(tick, 1000);
})();

/* 6. Keyboard shortcuts: Alt+<key> focuses the element marked
 *    data-shortcut="<key>" (the meeting screen's new action: Alt+N), as
 *    its accesskey does in browsers that use another modifier. */
(function () {
  'use strict';
  document.addEventListener('keydown', function (e) {
    if (!e.altKey || e.ctrlKey || e.metaKey || !e.code || e.code.indexOf('Key') !== 0) return;
    var el = document.querySelector('[data-shortcut="' + e.code.slice(3).toLowerCase() + '"]');
    if (!el) return;
    e.preventDefault();
    el.focus();
  });
})();
