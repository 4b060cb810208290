// One build, three things in dist/web (served by server/routes/web.ts):
//   homeline-call.js   the loader, stable name so site owners can paste one URL
//   assets/*.js        the softphone chunk (JsSIP + call UI) the loader imports on first click,
//                      and the owner console's code
//   owner/sw.js        the console's service worker (notifications), manifest and icons
//   owner/, demo/      pages. The demo page is copied as-is, not bundled: it must use the
//                      snippet exactly as a site owner would.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** Files copied as they are, under stable names: the demo page, the console's manifest and icons. */
function copyAsIs(from: string, to: string): Plugin {
  return {
    name: `homeline-copy-${to}`,
    generateBundle() {
      for (const f of readdirSync(here(from))) {
        this.emitFile({ type: 'asset', fileName: `${to}/${f}`, source: readFileSync(here(`${from}/${f}`)) });
      }
    },
  };
}

export default defineConfig({
  root: here('web'),
  // Relative: chunks are found from the loader's own URL, whatever page (origin) embeds it.
  base: './',
  publicDir: false,
  // The console as an installable app: manifest and icons beside its page (web/owner/app/), so
  // the manifest's relative icon URLs and its scope are /owner/.
  plugins: [copyAsIs('web/demo', 'demo'), copyAsIs('web/owner/app', 'owner')],
  build: {
    outDir: here('dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    manifest: true,
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
    rolldownOptions: {
      input: {
        'homeline-call': here('web/button/loader.ts'),
        owner: here('web/owner/index.html'),
        // The console's service worker: a stable URL under /owner/, so its scope is the console.
        'owner-sw': here('web/owner/sw.ts'),
      },
      // The loader is loaded by other sites' pages; keep its exports so the chunk names stay stable.
      preserveEntrySignatures: 'allow-extension',
      output: {
        entryFileNames: (c) => (c.name === 'homeline-call' ? 'homeline-call.js' : c.name === 'owner-sw' ? 'owner/sw.js' : 'assets/[name]-[hash].js'),
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  },
});
