// filet instrument check and list: the shipped definitions pass and show
// their thresholds; a broken definition fails with FILE:LINE: reason.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, mkdirSync, copyFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cli, cliRaw } from '../lib/filet.mjs';

const HOMICIDE = resolve('instruments/filet-homicide-risk.json');
const DASH = resolve('instruments/dash-24-structure.json');
const tmp = () => mkdtempSync(join(tmpdir(), 'filet-instr-'));

// A small valid definition; line numbers matter to the tests below.
const SMALL = [
  '{"id": "t", "version": 1,',                                              // 1
  ' "title": {"fr": "T", "en": "T"}, "about": {"fr": "A", "en": "A"},',     // 2
  ' "kind": "checklist",',                                                  // 3
  ' "items": [',                                                            // 4
  '  {"id": "a", "text": {"fr": "A ?", "en": "A?"}},',                      // 5
  '  {"id": "b", "text": {"fr": "B ?", "en": "B?"}}',                       // 6
  ' ],',                                                                    // 7
  ' "scoring": {"method": "count", "refer_level": "l1", "levels": [',       // 8
  '   {"id": "l0", "label": {"fr": "0", "en": "0"}, "min": 0},',            // 9
  '   {"id": "l1", "label": {"fr": "1", "en": "1"}, "min": 1}]}',           // 10
  '}',                                                                      // 11
].join('\n') + '\n';

describe('filet instrument', () => {
  it('answers --help for the group and each subcommand', () => {
    assert.match(cli(['instrument', '--help']), /^Usage: filet instrument SUBCOMMAND[\s\S]*check[\s\S]*list/);
    assert.match(cli(['instrument', 'check', '--help']), /^Usage: filet instrument check FILE/);
    assert.match(cli(['instrument', 'list', '--help']), /^Usage: filet instrument list/);
    const none = cliRaw(['instrument']);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /Usage: filet instrument/);
    const bad = cliRaw(['instrument', 'frobnicate']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown command 'instrument frobnicate'/);
  });

  it('check passes the homicide-risk checklist and shows its levels', () => {
    const out = cli(['instrument', 'check', HOMICIDE]);
    assert.match(out, /: ok\n/);
    assert.match(out, /^id: filet-homicide-risk$/m);
    assert.match(out, /^version: 1$/m);
    assert.match(out, /^items: 21 \(5 critical\)$/m);
    assert.match(out, /^method: weighted$/m);
    assert.match(out, /^levels: moderate 0, aggravated 5, high 10, imminent 16$/m);
    assert.match(out, /^refer_level: high$/m);
    assert.match(out, /^critical_level: imminent$/m);
  });

  it('check --json describes the Dash structure', () => {
    const j = JSON.parse(cli(['instrument', 'check', DASH, '--json']));
    assert.equal(j.ok, true);
    assert.equal(j.id, 'dash-24-structure');
    assert.equal(j.version, 1);
    assert.equal(j.items, 24);
    assert.equal(j.method, 'count');
    assert.deepEqual(j.levels, [{ id: 'standard', min: 0 }, { id: 'medium', min: 10 }, { id: 'high', min: 14 }]);
    assert.equal(j.refer_level, 'high');
    // The option may come first too.
    assert.equal(JSON.parse(cli(['instrument', 'check', '--json', HOMICIDE])).refer_level, 'high');
  });

  it('check reports a syntax error with its line and exits 1', () => {
    const d = tmp();
    const f = join(d, 'broken.json');
    writeFileSync(f, SMALL.replace('"checklist",', '"checklist"')); // missing comma on line 3
    const r = cliRaw(['instrument', 'check', f]);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4: `));
    const j = cliRaw(['instrument', 'check', f, '--json']);
    assert.equal(j.status, 1);
    const body = JSON.parse(j.stdout);
    assert.equal(body.ok, false);
    assert.match(body.error, /broken\.json:4: /);
    rmSync(d, { recursive: true });
  });

  it('check reports a duplicate item id on the line of the second one', () => {
    const d = tmp();
    const f = join(d, 'dup.json');
    writeFileSync(f, SMALL.replace('{"id": "b"', '{"id": "a"'));
    const r = cliRaw(['instrument', 'check', f]);
    assert.equal(r.status, 1);
    assert.equal(r.stderr.trim(), `${f}:6: duplicate item id 'a'`);
    // And a level out of order, an unknown field, a missing English text.
    writeFileSync(f, SMALL.replace('"min": 1}', '"min": 0}'));
    assert.equal(cliRaw(['instrument', 'check', f]).stderr.trim(),
      `${f}:10: levels not in ascending order: 'l1' (min 0) after 'l0' (min 0)`);
    writeFileSync(f, SMALL.replace('{"id": "b", ', '{"id": "b", "colour": "red", '));
    assert.equal(cliRaw(['instrument', 'check', f]).stderr.trim(), `${f}:6: item 'b': unknown field "colour"`);
    writeFileSync(f, SMALL.replace('"en": "B?"', '"de": "B?"'));
    assert.equal(cliRaw(['instrument', 'check', f]).stderr.trim(), `${f}:6: item 'b': unknown field "de"`);
    writeFileSync(f, SMALL);
    assert.match(cli(['instrument', 'check', f]), /^items: 2 \(0 critical\)$/m);
    rmSync(d, { recursive: true });
  });

  it('check needs exactly one file that exists', () => {
    assert.equal(cliRaw(['instrument', 'check']).status, 2);
    assert.equal(cliRaw(['instrument', 'check', HOMICIDE, DASH]).status, 2);
    const r = cliRaw(['instrument', 'check', '/nonexistent/x.json']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /\/nonexistent\/x\.json: cannot open/);
  });

  it('list shows the shipped instruments, and refuses a directory with a broken one', () => {
    const j = JSON.parse(cli(['instrument', 'list', '--share-dir', resolve('.'), '--json']));
    assert.deepEqual(j.instruments.map((i) => `${i.id} v${i.version}`), ['dash-24-structure v1', 'filet-homicide-risk v1']);
    assert.equal(j.instruments[1].title.en, JSON.parse(readFileSync(HOMICIDE, 'utf8')).title.en);
    assert.match(cli(['instrument', 'list', '--share-dir', resolve('.'), '--lang', 'en']),
      /filet-homicide-risk v1: Intimate partner homicide/);

    // A second version of one id: list shows the latest.
    const d = tmp();
    mkdirSync(join(d, 'instruments'));
    copyFileSync(DASH, join(d, 'instruments', 'dash-24-structure.json'));
    const v2 = JSON.parse(readFileSync(DASH, 'utf8'));
    v2.version = 2;
    writeFileSync(join(d, 'instruments', 'dash-24-structure.v2.json'), JSON.stringify(v2));
    const l = JSON.parse(cli(['instrument', 'list', '--share-dir', d, '--json']));
    assert.deepEqual(l.instruments.map((i) => i.version), [2]);
    writeFileSync(join(d, 'instruments', 'zz.json'), '{');
    const r = cliRaw(['instrument', 'list', '--share-dir', d]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /zz\.json:1: /);
    rmSync(d, { recursive: true });
  });
});

describe('serve and broken instruments', () => {
  it('refuses to start with a broken instrument file, naming the file, line and reason', async () => {
    const share = mkdtempSync(join(tmpdir(), 'filet-share-'));
    for (const d of ['web', 'data']) symlinkSync(resolve(d), join(share, d));
    mkdirSync(join(share, 'instruments'));
    writeFileSync(join(share, 'instruments', 'broken.json'), '{\n  "id": "broken",\n  "version": 1,\n  "title": {"fr": "x"\n');
    cli(['keygen', '--out', join(share, 'key')]);
    cli(['init', '--db', join(share, 'db')]);
    const r = cliRaw(['serve', '--db', join(share, 'db'), '--key', join(share, 'key'), '--listen', '127.0.0.1:0',
      '--share-dir', share]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /broken\.json:\d+: /);
    rmSync(share, { recursive: true, force: true });
  });
});
