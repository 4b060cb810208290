// Good and bad menu documents validated both ways: every bad fixture names the issue code, node
// and path it must produce (its `# expect:` line), every good one and the shipped menus pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { validateConfig } from '../../server/config/load.ts';
import { checkMenuText, loadMenuFile } from '../../server/ivr/menu-load.ts';
import { reachFromConfig } from '../../server/ivr/menu-validate.ts';
import { MenuInvalidError } from '../../server/ivr/errors.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const reach = reachFromConfig(validateConfig({}));

for (const dir of [join(here, 'fixtures/good'), join(root, 'ivr/menus')]) {
  for (const f of readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f))) {
    test(`good menu ${f} validates`, () => {
      const { menu, issues } = checkMenuText(readFileSync(join(dir, f), 'utf8'), reach, dir);
      assert.deepEqual(issues, []);
      assert.ok(menu);
    });
  }
}

const badDir = join(here, 'fixtures/bad');
for (const f of readdirSync(badDir)) {
  test(`bad menu ${f} is refused with the node and path`, () => {
    const text = readFileSync(join(badDir, f), 'utf8');
    const [, code, node, path] = /^# expect: (\S+) (\S*) (\S+)/m.exec(text)!;
    const { menu, issues } = checkMenuText(text, reach, badDir);
    assert.equal(menu, undefined);
    const hit = issues.find((i) => i.code === code && i.node === node && i.path.startsWith(path!));
    assert.ok(hit, `expected ${code} ${node} ${path}, got ${JSON.stringify(issues)}`);
  });
}

test('defaults apply to nodes and options, node values win', () => {
  const { menu } = checkMenuText(readFileSync(join(root, 'ivr/menus/operator.yaml'), 'utf8'), reach);
  assert.equal(menu!.nodes.main!.options['6']!.collect!.restartKey, '#');
  assert.equal(menu!.nodes.main!.timeoutSeconds, undefined, 'node timeout left to menu defaults');
  assert.equal(menu!.defaults.maxFailures, 3);
});

test('a visitor tree may ring only extensions the config allows', () => {
  const text = readFileSync(join(here, 'fixtures/good/minimal.yaml'), 'utf8');
  const narrow = reachFromConfig(validateConfig({ owner: { phones: ['6002'] } }));
  const { issues } = checkMenuText(text, narrow);
  assert.equal(issues[0]?.code, 'HL_IVR_TARGET_FORBIDDEN');
  assert.equal(issues[0]?.node, 'main');
});

test('loadMenuFile throws a coded error listing the issues', () => {
  assert.throws(() => loadMenuFile(join(badDir, 'unknown-goto.yaml'), reach), (err: unknown) => {
    assert.ok(err instanceof MenuInvalidError);
    assert.equal(err.code, 'HL_IVR_MENU_INVALID');
    assert.match(err.message, /node "main" at \/nodes\/main\/options\/1\/goto/);
    return true;
  });
});

test('ivr:check CLI exits non-zero and names the node; zero on a good file', () => {
  const run = (file: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(root, 'server/cli/ivr-check.ts'), file], { cwd: root, encoding: 'utf8', env: { ...process.env, HOMELINE_CONFIG: '' } });
  const bad = run(join(badDir, 'visitor-trunk.yaml'));
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /HL_IVR_TARGET_FORBIDDEN node "main" at \/nodes\/main\/options\/1\/dialOut/);
  const good = run(join(root, 'ivr/menus/operator.yaml'));
  assert.equal(good.status, 0, good.stderr);
  assert.match(good.stdout, /ok \(role visitor/);
});
