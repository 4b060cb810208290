// `npm run bench:bundle`: gzip sizes of what a visitor downloads. The loader is fetched by every
// page view; the softphone (its chunk plus every chunk it imports) only after the first click.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = join(import.meta.dirname, '../dist/web');
interface Entry { file: string; imports?: string[]; dynamicImports?: string[]; isEntry?: boolean }
const manifest: Record<string, Entry> = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'));

const gz = (file: string) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const kb = (n: number) => `${(n / 1024).toFixed(2)} KB`;

/**
 * A chunk and everything it statically imports, minus what `skip` already loaded. An import the
 * manifest lists but the chunk's code no longer names (the loader's unwrapped preload helper,
 * vite.config.ts) is never fetched, so it is not counted.
 */
function closure(key: string, skip: Set<string>, seen = new Set<string>()): Set<string> {
  if (seen.has(key) || skip.has(key)) return seen;
  seen.add(key);
  const code = readFileSync(join(dist, manifest[key].file), 'utf8');
  for (const k of manifest[key].imports ?? []) if (code.includes(manifest[k].file.split('/').pop()!)) closure(k, skip, seen);
  return seen;
}

const loaderKey = Object.keys(manifest).find((k) => manifest[k].file === 'homeline-call.js')!;
const loaderSet = closure(loaderKey, new Set());
const softKey = manifest[loaderKey].dynamicImports?.[0];
if (!softKey) throw new Error('the loader has no lazily loaded softphone chunk');
const softSet = closure(softKey, loaderSet);

const sum = (keys: Set<string>) => [...keys].reduce((n, k) => n + gz(manifest[k].file), 0);
const loader = sum(loaderSet);
const softphone = sum(softSet);
console.log(`loader     ${kb(loader).padStart(10)} gzip  (${[...loaderSet].map((k) => manifest[k].file).join(', ')})  budget 6 KB  ${loader <= 6 * 1024 ? 'ok' : 'OVER'}`);
console.log(`softphone  ${kb(softphone).padStart(10)} gzip  (${[...softSet].map((k) => manifest[k].file).join(', ')})  budget 80 KB  ${softphone <= 80 * 1024 ? 'ok' : 'OVER'}`);
