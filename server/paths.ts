// Where the checkout is, whether the edge runs from server/*.ts (tsx) or from the bundle in
// dist/server/ (npm start): files shipped beside the code are found from the package root.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'homeline') return dir;
    if (dirname(dir) === dir) throw new Error(`homeline's package.json not found above ${from}`);
  }
}

export const PACKAGE_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
