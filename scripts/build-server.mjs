// Bundles the edge into dist/server/main.js for `npm start`: plain Node runs it, without the
// TypeScript loader's extra thread (about 33 MB resident saved, and a faster start).
// Packages stay external: node_modules is resolved at run time as usual.
import { build } from 'esbuild';

await build({
  entryPoints: ['server/main.ts'],
  outdir: 'dist/server',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
