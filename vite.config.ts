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

/**
 * Vite wraps every dynamic import in its preload helper (~0.5 KB gzip in the loader) even with
 * modulePreload off (vitejs/vite#13952). The loader's lazy chunks have no CSS and preload
 * nothing, so a plain import() does the same job: unwrap it, and the helper goes as dead code.
 */
function plainDynamicImports(): Plugin {
  const wrapped = /\b[\w$]+\(\s*\(\)\s*=>\s*(import\([^()]*\))\s*,[^()]*?,\s*import\.meta\.url\s*\)/g;
  return {
    name: 'homeline-plain-dynamic-imports',
    enforce: 'post',
    renderChunk(code, chunk) {
      if (chunk.name !== 'homeline-call') return null;
      const out = code.replace(wrapped, '$1');
      return out === code ? null : { code: out, map: null };
    },
  };
}

export default defineConfig({
  root: here('web'),
  // Relative: chunks are found from the loader's own URL, whatever page (origin) embeds it.
  base: './',
  publicDir: false,
  plugins: [copyDemo(), plainDynamicImports()],
  build: {
    outDir: here('dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    manifest: true,
    // No preload helper in the loader (~0.5 KB gzip): the chunks are fetched while the page is idle,
    // so a waterfall of their imports costs the click nothing.
    modulePreload: false,
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
