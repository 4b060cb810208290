// Serves the Vite build (dist/web): the loader other sites embed, its lazily loaded chunks, the
// owner console and the demo page. Nothing here is secret; what matters is that a page on
// another origin may load the loader and its chunks as module scripts (those need CORS).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { HttpErrors } from '../errors.ts';

export interface WebRoutesOptions {
  /** The build output, normally `<repo>/dist/web`. */
  root: string;
}

export default async function webRoutes(app: FastifyInstance, opts: WebRoutesOptions) {
  app.get('/', async (_req, reply) => reply.redirect('/demo/'));

  if (!existsSync(join(opts.root, 'homeline-call.js'))) {
    // Say so plainly instead of 404s that look like a broken snippet.
    app.log.warn({ root: opts.root }, 'web build missing: run `npm run build:web`');
    const missing = async () => { throw new HttpErrors.WebNotBuilt(); };
    for (const path of ['/homeline-call.js', '/owner/', '/demo/', '/assets/*']) app.get(path, missing);
    return;
  }

  await app.register(fastifyStatic, {
    root: opts.root,
    prefix: '/',
    index: ['index.html'],
    redirect: true,
    // The Vite manifest is for bench/bundle.ts, not for browsers.
    allowedPath: (path) => !path.startsWith('/.vite'),
    cacheControl: false,
    setHeaders(reply, path) {
      if (path.endsWith('.js') || path.endsWith('.css')) {
        // Module scripts loaded by another origin's page are CORS requests.
        reply.header('access-control-allow-origin', '*');
        reply.header('cross-origin-resource-policy', 'cross-origin');
      }
      // Hashed chunk names never change content; the loader and pages must pick up new builds.
      reply.header('cache-control', path.includes(`${'/assets/'}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}
