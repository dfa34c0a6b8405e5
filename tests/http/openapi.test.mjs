// The served OpenAPI description matches what is implemented: the same
// (method, path) pairs as the API routes of the binary, each declared
// security matching whether the route needs a session.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFilet, request, cli } from '../lib/filet.mjs';

describe('OpenAPI description', () => {
  let f;
  before(async () => { f = await startFilet(); });
  after(async () => { await f.stop(); });

  it('is served to anyone as JSON', async () => {
    const r = await request(f.port, { path: '/api/v1/openapi.json' });
    assert.equal(r.status, 200);
    const doc = JSON.parse(r.body);
    assert.match(doc.openapi, /^3\./);
  });

  it('lists exactly the API routes the binary serves, with the right security', async () => {
    const doc = JSON.parse((await request(f.port, { path: '/api/v1/openapi.json' })).body);
    const routes = JSON.parse(cli(['routes', '--json'])).routes.filter((r) => r.path.startsWith('/api/'));
    const served = new Set(routes.map((r) => `${r.method} ${r.path}`));
    const described = new Set();
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const key = `${method.toUpperCase()} ${path}`;
        described.add(key);
        const route = routes.find((r) => `${r.method} ${r.path}` === key);
        assert.ok(route, `${key} is described but not served`);
        assert.equal(op.security.length === 0, route.public, `${key}: security says public=${op.security.length === 0}`);
        assert.ok(op.summary, `${key} has a summary`);
      }
    }
    for (const key of served) assert.ok(described.has(key), `${key} is served but not described`);
  });
});
