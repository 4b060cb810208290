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

/**
 * Vite wraps every dynamic import in its preload helper (~0.5 KB gzip in the loader) even with
 * modulePreload off (vitejs/vite#13952). The loader's lazy chunks have no CSS and preload
 * nothing, so a plain import() does the same job: unwrap it, and the helper goes as dead code.
 */
function plainDynamicImports(): Plugin {
  // A module the console imports too (web/shared/back-at.ts) is a shared chunk whose exports the
  // loader picks from a namespace: `import(…).then((n) => n.n)`, unwrapped the same.
  const wrapped = /\b[\w$]+\(\s*\(\)\s*=>\s*(import\([^()]*\)(?:\.then\(\s*\(?\s*[\w$]+\s*\)?\s*=>\s*[\w$.]+\s*\))?)\s*,[^()]*?,\s*import\.meta\.url\s*\)/g;
  return {
    name: 'homeline-plain-dynamic-imports',
    enforce: 'post',
    renderChunk(code, chunk) {
      if (chunk.name !== 'homeline-call') return null;
      // The helper lives in its own chunk (manualChunks below) for the lazy chunks that still use
      // it: with every use unwrapped, the loader's import of it goes too (no request, no bytes).
      const unwrapped = code.replace(wrapped, '$1');
      // Any use left unwrapped keeps the helper: removing it would break that import at run time.
      if (/__vitePreload\(/.test(unwrapped)) this.error(`a dynamic import in the loader is still wrapped in __vitePreload (extend plainDynamicImports): ${unwrapped.match(/__vitePreload\(.{0,100}/)?.[0]}`);
      const out = unwrapped.replace(/^import\s*\{\s*\w+ as __vitePreload\s*\}\s*from\s*"[^"]*";?\s*$/m, '');
      return out === code ? null : { code: out, map: null };
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
  plugins: [copyAsIs('web/demo', 'demo'), copyAsIs('web/owner/app', 'owner'), plainDynamicImports()],
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
        // The console's service worker: a stable URL under /owner/, so its scope is the console.
        'owner-sw': here('web/owner/sw.ts'),
      },
      // The loader is loaded by other sites' pages; keep its exports so the chunk names stay stable.
      preserveEntrySignatures: 'allow-extension',
      output: {
        manualChunks: (id) => (id.includes('vite/preload-helper') ? 'preload-helper' : undefined),
        entryFileNames: (c) => (c.name === 'homeline-call' ? 'homeline-call.js' : c.name === 'owner-sw' ? 'owner/sw.js' : 'assets/[name]-[hash].js'),
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  },
});
