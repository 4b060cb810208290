// The one error handler every HTTP refusal reaches, and @fastify/rate-limit's options that make
// its refusals thrown coded errors too. The app registers both; a plugin test registers the same
// two, so what it sees is what a browser gets: `{ statusCode, code, error, message }`, plus
// `retryAfterSeconds` (and Retry-After) on a rate limit and `reason` where the error has one.
import { STATUS_CODES } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RateLimitPluginOptions } from '@fastify/rate-limit';
import { HttpErrors } from './errors.ts';

type EdgeError = Error & { statusCode?: number; code?: string; retryAfterSeconds?: number; validation?: unknown; reason?: string };

export function errorHandler(err: EdgeError, req: FastifyRequest, reply: FastifyReply): void {
  const statusCode = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
  if (statusCode >= 500) req.log.error({ err }, 'request failed');
  const body: Record<string, unknown> = {
    statusCode,
    code: edgeCode(err, statusCode),
    error: STATUS_CODES[statusCode] ?? 'Error',
    message: statusCode >= 500 && !err.code?.startsWith('HL_') ? 'internal error' : err.message,
  };
  if (err.retryAfterSeconds !== undefined) {
    body.retryAfterSeconds = err.retryAfterSeconds;
    reply.header('retry-after', String(err.retryAfterSeconds));
  }
  if (err.reason) body.reason = err.reason;
  reply.code(statusCode).send(body);
}

/**
 * The edge's code for an error: its own, or one of the table's for Fastify's schema validation and
 * body parsers (malformed JSON, a Content-Type no route takes, a body over the limit), so a client
 * matches one table and never a framework's internal name.
 */
function edgeCode(err: EdgeError, statusCode: number): string {
  if (err.validation) return 'HL_BAD_REQUEST';
  if (err.code?.startsWith('FST_ERR_CTP_')) return statusCode === 415 ? 'HL_BODY_TYPE' : statusCode === 413 ? 'HL_BODY_TOO_LARGE' : 'HL_BAD_REQUEST';
  return err.code ?? 'HL_INTERNAL';
}

/** HL_RATE_LIMITED carrying its wait, which the handler puts in the body and Retry-After. */
export function rateLimited(seconds: number): Error {
  return Object.assign(new HttpErrors.RateLimited(seconds), { retryAfterSeconds: seconds });
}

export const rateLimitOptions: RateLimitPluginOptions = {
  global: false,
  // Thrown by the plugin, so it reaches the one error handler like every HTTP error.
  errorResponseBuilder: (_req, ctx) => rateLimited(Math.max(1, Math.ceil(ctx.ttl / 1000))),
};
