// `npm run owner:password` (prompts) or `npm run owner:password -- --password X` / stdin:
// sets the owner's console password. Only its scrypt hash is stored.
import { createInterface } from 'node:readline';
import { loadConfig } from '../config/load.ts';
import { loadOrCreateSecrets, writeSecrets } from '../config/secrets.ts';
import { hashPassword } from '../auth/password.ts';

async function readPassword(): Promise<string> {
  const i = process.argv.indexOf('--password');
  if (i >= 0 && process.argv[i + 1]) return process.argv[i + 1];
  if (process.stdin.isTTY) process.stdout.write('New owner password: ');
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) { rl.close(); return line.trim(); }
  return '';
}

const config = loadConfig();
const password = await readPassword();
if (password.length < 8) {
  process.stderr.write('owner password: at least 8 characters, please\n');
  process.exit(2);
}
const { secrets } = await loadOrCreateSecrets(config.dataDir);
secrets.ownerPasswordHash = await hashPassword(password);
writeSecrets(config.dataDir, secrets);
process.stdout.write(`owner password updated in ${config.dataDir}/secrets.json (restart the edge to apply)\n`);
