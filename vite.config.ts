// One build, three things in dist/web (served by server/routes/web.ts):
//   homeline-call.js   the loader, stable name so site owners can paste one URL
//   assets/*.js        the softphone chunk (JsSIP + call UI) the loader imports on first click,
//                      and the owner console's code
//   owner/, demo/      pages. The demo page is copied as-is, not bundled: it must use the
//                      snippet exactly as a site owner would.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

function copyDemo(): Plugin {
  return {
    name: 'homeline-copy-demo',
    generateBundle() {
      for (const f of readdirSync(here('web/demo'))) {
        this.emitFile({ type: 'asset', fileName: `demo/${f}`, source: readFileSync(here(`web/demo/${f}`)) });
      }
    },
  };
}

export default defineConfig({
  root: here('web'),
  // Relative: chunks are found from the loader's own URL, whatever page (origin) embeds it.
  base: './',
  publicDir: false,
  plugins: [copyDemo()],
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
      },
      // The loader is loaded by other sites' pages; keep its exports so the chunk names stay stable.
      preserveEntrySignatures: 'allow-extension',
      output: {
        entryFileNames: (c) => (c.name === 'homeline-call' ? 'homeline-call.js' : 'assets/[name]-[hash].js'),
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  },
});
