// `require =>` is what turns "Asterisk lacks res_http_media_cache" from a silent IVR into a
// refusal to start that names the module. Proved on the real Asterisk with a module directory
// lacking that one module: the generated configuration stops it; the old `load =>` did not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture } from './helpers.ts';
import { runAsterisk, moduleDir, AsteriskStartError } from './support/run-asterisk.ts';
import { freePort } from '../e2e/support/edge.ts';

/** The build's module directory without one module, as an Asterisk built without libcurl is. */
function modulesWithout(dir: string, missing: string): string {
  mkdirSync(dir);
  for (const f of readdirSync(moduleDir())) if (f !== `${missing}.so`) symlinkSync(join(moduleDir(), f), join(dir, f));
  return dir;
}

test('an Asterisk without res_http_media_cache refuses the generated configuration and names the module', async () => {
  const root = mkdtempSync(join(tmpdir(), 'hl-require-'));
  try {
    const f = fixture({ upstream: { asteriskWsUrl: `ws://127.0.0.1:${await freePort()}/ws` } });
    const conf = join(root, 'conf');
    mkdirSync(conf);
    for (const [name, text] of Object.entries(f.texts)) writeFileSync(join(conf, name), text);
    assert.match(f.texts['modules.conf'], /^require => res_http_media_cache\.so$/m);
    const moduleDir = modulesWithout(join(root, 'modules'), 'res_http_media_cache');

    const err = await runAsterisk(join(root, 'refused'), conf, { moduleDir }).then(
      async (ast) => { await ast.stop(); return null; },
      (e: unknown) => e,
    );
    assert.ok(err instanceof AsteriskStartError, `Asterisk started without a required module: ${err}`);
    assert.notEqual(err.exitCode, 0);
    assert.match(err.log, /Failed to load module res_http_media_cache\.so - Required/);

    // The same Asterisk with the module merely `load`ed starts, and the IVR would be silent.
    writeFileSync(join(conf, 'modules.conf'), f.texts['modules.conf'].replace('require => res_http_media_cache.so', 'load => res_http_media_cache.so'));
    const silent = await runAsterisk(join(root, 'silent'), conf, { moduleDir });
    try {
      assert.match(silent.cli('module show like res_http_media_cache'), /\b0 modules loaded/);
    } finally {
      await silent.stop();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
