// Headers that tell browsers what the edge's pages may be used for. Every answer: no MIME
// sniffing, no Referer (the console's URLs are nobody's business). The owner console must never
// be framed (clickjacking the do-not-disturb switch or the answer button): CSP frame-ancestors
// 'none' plus X-Frame-Options for old browsers. The demo page is meant to be embedded by the
// owner's own sites, so it may be framed by the edge itself and config.allowedOrigins only.
// The button itself is a module script (homeline-call.js), which framing rules do not touch.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';

export const CONSOLE_CSP = "frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

export default fp(async function securityHeaders(app: FastifyInstance) {
  const embedders = app.config.allowedOrigins.map((o) => o.replace(/\/$/, '')).filter((o) => /^https?:\/\/[^\s;,']+$/.test(o));
  const demoCsp = `frame-ancestors 'self'${embedders.map((o) => ` ${o}`).join('')}; base-uri 'none'; object-src 'none'`;
  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    const path = req.url.split('?')[0];
    if (path === '/owner' || path.startsWith('/owner/')) {
      reply.header('content-security-policy', CONSOLE_CSP);
      reply.header('x-frame-options', 'DENY');
    } else if (path === '/demo' || path.startsWith('/demo/')) {
      reply.header('content-security-policy', demoCsp);
    }
    return payload;
  });
}, { name: 'homeline-security-headers' });
