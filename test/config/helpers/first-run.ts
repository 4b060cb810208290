// Runs first-run secret creation, then a second start, in a process of its own, so the test can
// see every byte either run wrote to stdout or stderr. The result goes back on fd 3, not stdout.
import { writeSync } from 'node:fs';
import { loadOrCreateSecrets } from '../../../server/config/secrets.ts';

const dir = process.argv[2];
const first = await loadOrCreateSecrets(dir);
const second = await loadOrCreateSecrets(dir);
writeSync(3, JSON.stringify({ first, second }));
