// The web plugin against a real (tiny) build directory, through fastify.inject.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Fastify from 'fastify';
import webRoutes from '../../server/routes/web.ts';

const root = mkdtempSync(join(tmpdir(), 'hl-web-'));
after(() => rmSync(root, { recursive: true, force: true }));
for (const d of ['owner', 'demo', 'assets', '.vite']) mkdirSync(join(root, d));
writeFileSync(join(root, 'homeline-call.js'), 'export {};');
writeFileSync(join(root, 'owner/index.html'), '<h1>owner</h1>');
writeFileSync(join(root, 'demo/index.html'), '<h1>demo</h1>');
writeFileSync(join(root, 'assets/softphone-abc.js'), 'export {};');
writeFileSync(join(root, '.vite/manifest.json'), '{}');

async function app(dir = root) {
  const a = Fastify();
  await a.register(webRoutes, { root: dir });
  return a;
}

test('the loader is served as JavaScript that another origin may import', async () => {
  const a = await app();
  const r = await a.inject('/homeline-call.js');
  assert.equal(r.statusCode, 200);
  assert.match(r.headers['content-type'] as string, /javascript/);
  assert.equal(r.headers['access-control-allow-origin'], '*');
  assert.equal(r.headers['cache-control'], 'no-cache');
  await a.close();
});

test('hashed chunks are cacheable forever and CORS-readable', async () => {
  const a = await app();
  const r = await a.inject('/assets/softphone-abc.js');
  assert.equal(r.statusCode, 200);
  assert.match(r.headers['cache-control'] as string, /immutable/);
  assert.equal(r.headers['access-control-allow-origin'], '*');
  await a.close();
});

test('pages: / redirects to the demo, /owner/ and /demo/ serve their index', async () => {
  const a = await app();
  const home = await a.inject('/');
  assert.equal(home.statusCode, 302);
  assert.equal(home.headers.location, '/demo/');
  assert.match((await a.inject('/owner/')).body, /owner/);
  assert.match((await a.inject('/demo/')).body, /demo/);
  const bare = await a.inject('/owner');
  assert.ok([301, 302].includes(bare.statusCode), `got ${bare.statusCode}`);
  await a.close();
});

test('the build manifest is not served', async () => {
  const a = await app();
  assert.equal((await a.inject('/.vite/manifest.json')).statusCode, 404);
  await a.close();
});

test('a missing build answers 503 with a code saying what to run', async () => {
  const a = await app(join(root, 'nope'));
  const r = await a.inject('/homeline-call.js');
  assert.equal(r.statusCode, 503);
  assert.equal(r.json().code, 'HL_WEB_NOT_BUILT');
  await a.close();
});
