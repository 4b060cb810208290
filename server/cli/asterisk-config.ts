// npm run asterisk:config -- --out DIR [--site FILE] [--force | --include [--add-includes]]
// Renders Asterisk's configuration from homeline's config and secrets into DIR, then runs the
// invariant checks on what it wrote (and on the owner's own include files there), refusing to
// leave a configuration behind that breaks one. --include: beside an owner's existing Asterisk
// (asterisk-include.ts).
import { mkdirSync, writeFileSync, existsSync, renameSync, readFileSync, copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.ts';
import { loadOrCreateSecrets } from '../config/secrets.ts';
import { loadSite, sitePath } from '../asterisk/site.ts';
import { generate, renderPhoneSecrets, PHONE_SECRETS_FILE } from '../asterisk/generate.ts';
import { checkAll, readConfDir } from '../asterisk/checks.ts';
import { astCacheDir, checkCacheDir } from '../asterisk/cachedir.ts';
import { GENERATED_MARKER } from '../asterisk/render/common.ts';
import { runIncludeMode, printViolations } from './asterisk-include.ts';

const USAGE = `usage: npm run asterisk:config -- --out DIR [--site FILE] [--force | --include [--add-includes]]
  DIR: where Asterisk reads its configuration (e.g. /etc/asterisk)
  FILE: owner options, default <dataDir>/asterisk.json
  --force: replace files homeline did not write, keeping each as FILE.homeline-backup-<time>
  --include: keep your own configuration; write homeline's endpoints and contexts into
    DIR/homeline/*.conf for "#include homeline/<file>" lines at the end of your files
  --add-includes: with --include, add those lines yourself (each file kept as FILE.homeline-backup-<time>)`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' }, site: { type: 'string' }, force: { type: 'boolean' },
      include: { type: 'boolean' }, 'add-includes': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values.out || (values.include && values.force) || (values['add-includes'] && !values.include)) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const out = resolve(values.out);
  // Refuse before writing anything: this Asterisk would play every prompt as silence.
  const asteriskConf = join(out, 'asterisk.conf');
  const hasConf = existsSync(asteriskConf);
  checkCacheDir(astCacheDir(hasConf ? readFileSync(asteriskConf, 'utf8') : undefined), hasConf ? `[directories] of ${asteriskConf}` : `Asterisk's default; no ${asteriskConf}`);
  const config = loadConfig();
  const { secrets, firstRunOwnerPassword } = await loadOrCreateSecrets(config.dataDir);
  // First run of anything creates the secrets; the owner password exists only in this moment.
  if (firstRunOwnerPassword) console.log(`first run: created ${config.dataDir}/secrets.json; owner password (shown once): ${firstRunOwnerPassword}`);
  const site = loadSite(values.site ?? sitePath(config.dataDir));
  const generated = generate(config, secrets, site);
  const { plan, files } = generated;
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  if (values.include) return runIncludeMode(generated, { config, secrets, site }, { out, addIncludes: !!values['add-includes'], stamp });
  // Never overwrite a file homeline did not write: an owner's existing Asterisk keeps its own
  // pjsip.conf or extensions.conf unless they say --force (and then a backup stays beside it).
  const foreign = Object.keys(files).filter((name) => existsSync(join(out, name)) && !readFileSync(join(out, name), 'utf8').includes(GENERATED_MARKER));
  if (foreign.length && !values.force) {
    console.error(`HL_ASTERISK_FOREIGN_FILES: ${out} already has ${foreign.join(', ')}, not written by homeline; nothing was written. ` +
      'Rerun with --include to add homeline beside your configuration, or with --force to replace them (each kept as FILE.homeline-backup-<time>).');
    return 1;
  }
  for (const name of foreign) {
    const backup = join(out, `${name}.homeline-backup-${stamp}`);
    copyFileSync(join(out, name), backup);
    console.log(`kept the owner's ${name} as ${backup}`);
  }
  mkdirSync(out, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    const path = join(out, name);
    const tmp = `${path}.${process.pid}.tmp`;
    // Files carrying the edge secret or the ARI password are for Asterisk's eyes only.
    writeFileSync(tmp, text, { mode: 0o640 });
    renameSync(tmp, path);
  }
  const secretsFile = join(out, PHONE_SECRETS_FILE);
  const wroteSecrets = !existsSync(secretsFile);
  if (wroteSecrets) writeFileSync(secretsFile, renderPhoneSecrets(plan), { mode: 0o600, flag: 'wx' });

  const violations = checkAll(readConfDir(out), { config, secrets, site });
  console.log(`wrote ${Object.keys(files).length} files to ${out}`);
  if (wroteSecrets) console.log(`wrote ${PHONE_SECRETS_FILE} with fresh phone passwords (kept from now on; yours to edit)`);
  if (violations.length) {
    printViolations(violations);
    return 1;
  }
  // A private-link layout binds /ws and ARI to the VPN address (docs/deploy.md, step 8).
  const where = ['127.0.0.1', '::1', 'localhost'].includes(plan.http.host) ? 'loopback' : `${plan.http.host} only`;
  console.log(`invariants hold: visitors reach only home extensions, IVR and voicemail; listeners on ${where}` +
    (plan.publicTransports.length ? ` (except ${plan.publicTransports.join(', ')}, as configured)` : '') + '.');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`${err.code ?? 'HL_ASTERISK'}: ${err.message}`);
    process.exit(1);
  },
);
