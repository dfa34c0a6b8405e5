// Starts the real filet binary for black-box tests: a fresh temporary
// database with the demo data, a fresh key, a free loopback port.
// FILET_BIN chooses the binary (build/filet, or build-asan/filet).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import net from 'node:net';
import http from 'node:http';

export const BIN = resolve(process.env.FILET_BIN || 'build/filet');

export function cli(args, { input, dir } = {}) {
  return execFileSync(BIN, args, { input, cwd: dir, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

// Runs filet and returns {status, stdout, stderr} without throwing.
export function cliRaw(args, { input } = {}) {
  try {
    const stdout = execFileSync(BIN, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    return { status: 0, stdout, stderr: '' };
  } catch (e) {
    return { status: e.status, stdout: e.stdout || '', stderr: e.stderr || '' };
  }
}

// The server's clock is real time plus an offset the test controls
// (FILET_TEST_CLOCK_FILE): f.advance(seconds), f.now().
// With { db, key } it serves that existing database and key file instead
// (no keygen, init or demo; give the first run's demoData to sign in), and
// f.stop() leaves them in place.
export async function startFilet({ demo = true, extraArgs = [], db: useDb, key: useKey, demoData: useDemo } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'filet-test-'));
  const clockFile = join(dir, 'clock');
  let offset = 0;
  writeFileSync(clockFile, '0');
  const db = useDb || join(dir, 'filet.db');
  const key = useKey || join(dir, 'key');
  let demoData = useDemo || null;
  if (!useDb) {
    cli(['keygen', '--out', key, '--json']);
    cli(['init', '--db', db, '--json']);
    demoData = JSON.parse(cli(['demo', '--db', db, '--json']));
  }
  const args = ['serve', '--db', db, '--key', key, '--listen', '127.0.0.1:0', '--threads', '2'];
  if (demo) args.push('--demo');
  const proc = spawn(BIN, [...args, ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FILET_TEST_CLOCK_FILE: clockFile } });
  let log = '';
  const port = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('filet did not start:\n' + log)), 15000);
    proc.stderr.on('data', (d) => {
      log += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(log);
      if (m) { clearTimeout(timer); ok(Number(m[1])); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); fail(new Error(`filet exited ${code}:\n${log}`)); });
  });
  proc.stderr.on('data', (d) => { log += d; });
  const base = `http://127.0.0.1:${port}`;
  return {
    dir, db, key, port, base, proc, demoData,
    log: () => log,
    advance(seconds) { offset += seconds; writeFileSync(clockFile, String(offset)); },
    now() { return Math.floor(Date.now() / 1000) + offset; },
    // Signs in through the API; returns the token.
    async login(username, { password, totp: code } = {}) {
      const pw = password ?? demoData.users.find((u) => u.username === username).password;
      const body = JSON.stringify(code ? { username, password: pw, totp: code } : { username, password: pw });
      const r = await request(port, { method: 'POST', path: '/api/v1/login', body, headers: { 'Content-Type': 'application/json' } });
      if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.body}`);
      return JSON.parse(r.body).token;
    },
    // Signs in through the HTML form; returns {cookie, csrf} for page tests.
    async browserLogin(username, { password, totp: code } = {}) {
      const pw = password ?? demoData.users.find((u) => u.username === username).password;
      const form = new URLSearchParams({ username, password: pw, totp: code || '' }).toString();
      const r = await request(port, { method: 'POST', path: '/login', body: form,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: base } });
      if (r.status !== 303) throw new Error(`browser login ${username}: ${r.status}`);
      const cookie = /^(__Host-filet=[^;]+)/.exec(r.headers['set-cookie'][0])[1];
      const home = await request(port, { path: '/', headers: { Cookie: cookie } });
      const m = /name="csrf" value="([^"]+)"/.exec(home.body);
      return { cookie, csrf: m ? m[1] : null, location: r.headers.location };
    },
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((ok) => proc.on('exit', (code, sig) => ok({ code, sig })));
        proc.kill('SIGTERM');
        const r = await exited;
        if (r.code !== 0) throw new Error(`filet exited ${r.code} ${r.sig} on SIGTERM:\n${log}`);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// One HTTP request with full control of headers (Host included).
export function request(port, { method = 'GET', path = '/', headers = {}, body } = {}) {
  return new Promise((ok, fail) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: { Host: `127.0.0.1:${port}`, ...headers }, setHost: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', fail);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

// Sends raw bytes and returns the raw answer (for malformed requests).
export function raw(port, bytes, { timeoutMs = 5000 } = {}) {
  return new Promise((ok, fail) => {
    const s = net.connect(port, '127.0.0.1');
    const chunks = [];
    const timer = setTimeout(() => { s.destroy(); ok(Buffer.concat(chunks).toString('latin1')); }, timeoutMs);
    s.on('data', (c) => chunks.push(c));
    s.on('end', () => { clearTimeout(timer); ok(Buffer.concat(chunks).toString('latin1')); });
    s.on('error', (e) => { clearTimeout(timer); if (chunks.length) ok(Buffer.concat(chunks).toString('latin1')); else fail(e); });
    s.write(bytes);
  });
}
