// npm run turn:config -- --out FILE
// Writes coturn's configuration (server/turn/coturn-config.ts) with the TURN secret the edge
// signs credentials with: turn.secretFile, or the first-run secret in the data dir.
import { renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.ts';
import { loadOrCreateSecrets } from '../config/secrets.ts';
import { renderCoturnConfig } from '../turn/coturn-config.ts';
import { turnSecret } from '../turn/credentials.ts';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help || !values.out) {
    console.error('usage: npm run turn:config -- --out FILE\n  FILE: coturn\'s configuration, e.g. /etc/turnserver.conf (contains the TURN secret, written mode 0600)');
    return values.help ? 0 : 2;
  }
  const config = loadConfig();
  const { secrets, firstRunOwnerPassword } = await loadOrCreateSecrets(config.dataDir);
  if (firstRunOwnerPassword) console.log(`first run: created ${config.dataDir}/secrets.json; owner password (shown once): ${firstRunOwnerPassword}`);
  const text = renderCoturnConfig(config, turnSecret(config, secrets));
  const out = resolve(values.out);
  const tmp = `${out}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, out);
  console.log(`wrote ${out} (mode 0600; it holds the TURN secret). Run: turnserver -c ${out}`);
  console.log(`browsers get: ${config.turn.urls.join(', ')}; relay peers allowed despite being private: ${config.turn.allowedPeers.join(', ') || 'none'}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
