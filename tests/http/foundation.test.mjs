// Black-box tests of the foundation against the real binary: routing
// errors, limits, malformed input, Host check, security headers, language,
// static files, health, access log, graceful stop.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFilet, request, raw } from '../lib/filet.mjs';

const SECURITY_HEADERS = {
  'content-security-policy': /default-src 'self'.*frame-ancestors 'none'/,
  'x-content-type-options': /^nosniff$/,
  'referrer-policy': /^no-referrer$/,
  'x-frame-options': /^DENY$/,
};

function assertSecurityHeaders(res, what) {
  for (const [h, re] of Object.entries(SECURITY_HEADERS)) {
    assert.match(res.headers[h] || '', re, `${what}: header ${h}`);
  }
  assert.doesNotMatch(res.headers['content-security-policy'], /unsafe-inline|unsafe-eval/, `${what}: CSP too loose`);
}

describe('foundation over HTTP', () => {
  let f;
  before(async () => { f = await startFilet(); });
  after(async () => { await f.stop(); });

  it('serves the home page in French by default, with the sign-in form', async () => {
    const r = await request(f.port);
    assert.equal(r.status, 200);
    assert.match(r.headers['content-type'], /^text\/html; charset=utf-8/);
    assert.match(r.body, /<html lang="fr-CA">/);
    assert.match(r.body, /Se connecter/);
    assert.match(r.body, /name="username"/);
    assert.match(r.body, /DÉMO — aucune donnée réelle/);
    assert.equal(r.headers['cache-control'], 'no-store');
  });

  it('answers /healthz with ok, uncached', async () => {
    const r = await request(f.port, { path: '/healthz' });
    assert.equal(r.status, 200);
    assert.equal(r.body, 'ok\n');
    assert.equal(r.headers['cache-control'], 'no-store');
  });

  it('answers HEAD like GET without a body', async () => {
    const r = await request(f.port, { method: 'HEAD', path: '/healthz' });
    assert.equal(r.status, 200);
    assert.equal(r.body, '');
  });

  it('404 is a page in the user\'s language, and JSON under /api/', async () => {
    const fr = await request(f.port, { path: '/nulle-part' });
    assert.equal(fr.status, 404);
    assert.match(fr.body, /Page introuvable/);
    const en = await request(f.port, { path: '/nowhere', headers: { 'Accept-Language': 'en-GB,en;q=0.9' } });
    assert.equal(en.status, 404);
    assert.match(en.body, /Page not found/);
    const api = await request(f.port, { path: '/api/v1/nothing-here' });
    assert.equal(api.status, 404);
    assert.match(api.headers['content-type'], /^application\/json/);
    assert.equal(JSON.parse(api.body).error.code, 'not_found');
  });

  it('405 names the allowed methods', async () => {
    const r = await request(f.port, { method: 'DELETE', path: '/healthz' });
    assert.equal(r.status, 405);
    assert.match(r.headers.allow, /GET/);
    assert.match(r.headers.allow, /HEAD/);
    const p = await request(f.port, { method: 'GET', path: '/lang' });
    assert.equal(p.status, 405);
    assert.equal(p.headers.allow, 'POST');
  });

  it('413 for a body over 1 MiB, declared or streamed', async () => {
    const big = 'a'.repeat(1024 * 1024 + 1);
    const r = await request(f.port, { method: 'POST', path: '/lang', body: big,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(big.length) } });
    assert.equal(r.status, 413);
    const chunked = await request(f.port, { method: 'POST', path: '/lang', body: big,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Transfer-Encoding': 'chunked' } });
    assert.equal(chunked.status, 413);
    const ok = await request(f.port, { method: 'POST', path: '/lang', body: 'lang=en&next=%2F' + '&pad=' + 'x'.repeat(1000),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    assert.equal(ok.status, 303, 'a body under the limit is accepted');
  });

  it('refuses a missing or foreign Host header', async () => {
    const missing = await raw(f.port, 'GET / HTTP/1.0\r\n\r\n');
    assert.match(missing, /^HTTP\/1\.[01] 400/);
    const foreign = await request(f.port, { headers: { Host: 'evil.example:80' } });
    assert.equal(foreign.status, 400);
    assert.doesNotMatch(foreign.body, /Se connecter/);
    const localhost = await request(f.port, { headers: { Host: `localhost:${f.port}` } });
    assert.equal(localhost.status, 200);
  });

  it('survives malformed request lines and keeps serving', async () => {
    for (const bad of ['GARBAGE\r\n\r\n', 'GET\r\n\r\n', 'GET / HTTP/9.9\r\nHost: x\r\n\r\n',
      'GET /\x01\x02 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', '\r\n\r\n\r\n', 'GET ' + '/a'.repeat(40000) + ' HTTP/1.1\r\n\r\n']) {
      const answer = await raw(f.port, bad, { timeoutMs: 3000 });
      assert.doesNotMatch(answer, /^HTTP\/1\.[01] 200/, `accepted ${JSON.stringify(bad.slice(0, 30))}`);
    }
    const r = await request(f.port, { path: '/healthz' });
    assert.equal(r.status, 200, 'still serving');
  });

  it('refuses bad paths: bad escapes, bad UTF-8, dot segments', async () => {
    for (const path of ['/static/%ZZ', '/static/%C3%28', '/static/../Makefile', '/static/%2e%2e/Makefile', '/static/a%00b']) {
      const r = await request(f.port, { path });
      assert.ok([400, 404].includes(r.status), `${path} gave ${r.status}`);
      assert.doesNotMatch(r.body, /PKGS|#include/, `${path} leaked a file`);
    }
  });

  it('refuses malformed form bodies with 400', async () => {
    for (const body of ['lang=%E9', 'lang=%G1', 'lang=%', 'lang=fr%00', 'lang=klingon']) {
      const r = await request(f.port, { method: 'POST', path: '/lang', body,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
      assert.equal(r.status, 400, body);
    }
  });

  it('switches language with a cookie and never redirects off-site', async () => {
    const r = await request(f.port, { method: 'POST', path: '/lang', body: 'lang=en&next=%2Fhealthz',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    assert.equal(r.status, 303);
    assert.equal(r.headers.location, '/healthz');
    const cookie = r.headers['set-cookie'][0];
    assert.match(cookie, /^filet-lang=en;/);
    assert.match(cookie, /SameSite=Strict/);
    assert.match(cookie, /HttpOnly/);
    const home = await request(f.port, { headers: { Cookie: 'filet-lang=en', 'Accept-Language': 'fr' } });
    assert.match(home.body, /<html lang="en">/);
    assert.match(home.body, />Sign in</);
    for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil', '/\r\nSet-Cookie: x=1']) {
      const o = await request(f.port, { method: 'POST', path: '/lang', body: 'lang=fr&next=' + encodeURIComponent(next),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
      assert.equal(o.status, 303);
      assert.equal(o.headers.location, '/', `next=${next}`);
    }
  });

  it('follows Accept-Language when no choice was made', async () => {
    const en = await request(f.port, { headers: { 'Accept-Language': 'en-US,en;q=0.9,fr;q=0.8' } });
    assert.match(en.body, /<html lang="en">/);
    const de = await request(f.port, { headers: { 'Accept-Language': 'de-DE' } });
    assert.match(de.body, /<html lang="fr-CA">/);
  });

  it('serves static files with an ETag, a long cache and 304 on revalidation', async () => {
    const home = await request(f.port);
    const href = /href="(\/static\/app\.css\?v=[0-9a-f]+)"/.exec(home.body)[1];
    const css = await request(f.port, { path: href });
    assert.equal(css.status, 200);
    assert.match(css.headers['content-type'], /^text\/css/);
    assert.match(css.headers['cache-control'], /max-age=31536000/);
    assert.match(css.headers['cache-control'], /immutable/);
    assert.ok(css.headers.etag, 'ETag present');
    assert.ok(href.includes(css.headers.etag.slice(1, 9)), 'URL carries the content hash');
    assertSecurityHeaders(css, 'static');
    const again = await request(f.port, { path: href, headers: { 'If-None-Match': css.headers.etag } });
    assert.equal(again.status, 304);
    assert.equal(again.body, '');
    const pico = /href="(\/static\/vendor\/pico\.min\.css\?v=[0-9a-f]+)"/.exec(home.body)[1];
    assert.equal((await request(f.port, { path: pico })).status, 200);
    const htmx = /src="(\/static\/vendor\/htmx\.min\.js\?v=[0-9a-f]+)"/.exec(home.body)[1];
    assert.match((await request(f.port, { path: htmx })).headers['content-type'], /javascript/);
  });

  it('puts the security headers on every kind of answer', async () => {
    const answers = {
      home: await request(f.port),
      health: await request(f.port, { path: '/healthz' }),
      notFound: await request(f.port, { path: '/x' }),
      apiNotFound: await request(f.port, { path: '/api/v1/x' }),
      methodNotAllowed: await request(f.port, { method: 'PUT', path: '/' }),
      badHost: await request(f.port, { headers: { Host: 'evil.example' } }),
      redirect: await request(f.port, { method: 'POST', path: '/lang', body: 'lang=fr', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }),
      badForm: await request(f.port, { method: 'POST', path: '/lang', body: '%', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }),
    };
    for (const [what, res] of Object.entries(answers)) {
      assertSecurityHeaders(res, what);
      assert.equal(res.headers['cache-control'], 'no-store', `${what}: Cache-Control`);
    }
  });

  it('logs one line per request with the route template, never the query string', async () => {
    await request(f.port, { path: '/healthz?victim=Marina' });
    await request(f.port, { path: '/static/app.css?secret=1' });
    await new Promise((ok) => setTimeout(ok, 200));
    const log = f.log();
    assert.match(log, /event=request method=GET route="\/healthz" status=200 duration_ms=[0-9.]+ user=-/);
    assert.match(log, /route="\/static\/\{\*\}"/);
    assert.doesNotMatch(log, /Marina|secret/);
  });
});
