// Starts the real edge (buildApp + listen on a loopback port) with a fresh data dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { validateConfig } from '../../server/config/load.ts';
import { loadOrCreateSecrets } from '../../server/config/secrets.ts';
import { hashPassword } from '../../server/auth/password.ts';
import { buildApp, type BuildOptions } from '../../server/app.ts';
import type { Config } from '../../server/config/schema.ts';
import { RawUa } from './raw-ua.ts';

export interface TestEdge {
  app: FastifyInstance;
  config: Config;
  url: string;
  wsBase: string;
  ownerPassword: string;
  logs: string[];
  close(): Promise<void>;
}

export async function startEdge(overrides: Record<string, unknown> = {}, build: Omit<BuildOptions, 'logStream'> = {}): Promise<TestEdge> {
  const dataDir = mkdtempSync(join(tmpdir(), 'homeline-test-'));
  // Every test visitor comes from 127.0.0.1: the per-address and edge-wide attempt budgets are
  // opened up unless a test sets them (the per-connection one stays at its default).
  const limits = { callAttemptsPerAddressPerMinute: 1000, callAttemptsPerMinute: 1000, ...(overrides.limits as object | undefined) };
  const config = validateConfig({ port: 0, logLevel: 'debug', dataDir, ...overrides, limits });
  const { secrets, firstRunOwnerPassword } = await loadOrCreateSecrets(config.dataDir);
  // A data dir made earlier (e.g. by the Asterisk generator) has no password to show: set one.
  let ownerPassword = firstRunOwnerPassword;
  if (!ownerPassword) {
    ownerPassword = 'test owner password';
    secrets.ownerPasswordHash = await hashPassword(ownerPassword);
  }
  const logs: string[] = [];
  const logStream = new Writable({ write(chunk, _enc, cb) { logs.push(String(chunk)); cb(); } });
  const app = await buildApp(config, secrets, { ...build, logStream });
  // config.port is 0 (any free port) unless a test needs to know it first, e.g. for the IVR's prompt URLs.
  await app.listen({ host: '127.0.0.1', port: config.port });
  const port = (app.server.address() as { port: number }).port;
  return {
    app, config, logs,
    url: `http://127.0.0.1:${port}`,
    wsBase: `ws://127.0.0.1:${port}/sip`,
    ownerPassword,
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function visitorToken(edge: TestEdge, body: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const res = await fetch(`${edge.url}/api/visitor/token`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

const cookies = new WeakMap<TestEdge, string>();

/** Logs the owner in once per edge (the login route is rate-limited), then fetches a token. */
export async function ownerToken(edge: TestEdge) {
  const cookie = cookies.get(edge) ?? (await ownerLogin(edge));
  cookies.set(edge, cookie);
  const res = await fetch(`${edge.url}/api/owner/token`, { method: 'POST', headers: { cookie } });
  return { cookie, body: (await res.json()) as any };
}

export async function ownerLogin(edge: TestEdge): Promise<string> {
  const login = await fetch(`${edge.url}/api/owner/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: edge.ownerPassword }),
  });
  if (login.status !== 204) throw new Error(`owner login failed: ${login.status}`);
  return login.headers.get('set-cookie')!.split(';')[0];
}

/** An owner tab connected through the edge and registered as the owner's extension. */
export async function registeredOwner(edge: TestEdge): Promise<RawUa> {
  const { body } = await ownerToken(edge);
  const ua = await RawUa.connect(body.wsUrl, edge.config.owner.extension);
  ua.register();
  await ua.response(200, 'REGISTER');
  return ua;
}

/** A visitor connected through the edge with a fresh token. */
export async function connectedVisitor(edge: TestEdge, body: Record<string, unknown> = {}): Promise<RawUa> {
  const tok = await visitorToken(edge, body);
  if (tok.status !== 200) throw new Error(`visitor token refused: ${tok.status} ${JSON.stringify(tok.body)}`);
  return RawUa.connect(tok.body.wsUrl, tok.body.sip.uri.slice(4).split('@')[0]);
}
