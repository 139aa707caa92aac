/** The CSP is written once (src/shared/csp.ts); the page's meta copy must say the same. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY } from '../../../src/shared/csp';

const page = readFileSync(join(import.meta.dirname, '../../../src/renderer/index.html'), 'utf8');
const directives = (policy: string) => policy.split(';').map((d) => d.trim().replace(/\s+/g, ' ')).filter(Boolean);

test("index.html's CSP meta tag is the one in src/shared/csp.ts", () => {
  const metas = [...page.matchAll(/<meta\b[^>]*http-equiv="Content-Security-Policy"[^>]*>/gi)];
  assert.equal(metas.length, 1, 'exactly one CSP meta tag');
  const content = /\bcontent="([^"]*)"/.exec(metas[0][0])?.[1];
  assert.ok(content, 'the meta tag has a content attribute');
  assert.deepEqual(directives(content), directives(META_CONTENT_SECURITY_POLICY));
  // Before any script: a policy met after a script does not cover it.
  assert.ok(page.indexOf(metas[0][0]) < page.indexOf('<script'), 'the meta tag comes before the first script');
});

test('the meta copy is the header minus only what a meta tag cannot carry', () => {
  const header = directives(CONTENT_SECURITY_POLICY);
  const meta = directives(META_CONTENT_SECURITY_POLICY);
  assert.deepEqual(
    header.filter((d) => !meta.includes(d)),
    ["frame-ancestors 'none'"],
  );
  assert.ok(meta.every((d) => header.includes(d)));
  assert.ok(meta.includes("script-src 'self'") && meta.includes("object-src 'none'"));
});
