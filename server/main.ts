// `npm start` / `npm run serve`: load and validate the config, create first-run secrets, start
// the edge. Every way start-up can fail ends in one line on stderr that names the fix, and a
// non-zero exit: the owner reads it in a terminal or in `journalctl -u homeline`, never a stack.
import { loadConfig, ConfigError, upstreamKind, configWarnings } from './config/load.ts';
import type { Config } from './config/schema.ts';
import { loadOrCreateSecrets } from './config/secrets.ts';
import { buildApp } from './app.ts';
import type { FastifyInstance } from 'fastify';
import { isDeepStrictEqual } from 'node:util';

/** A start-up failure already worded for the owner: the line, and the exit code. */
class StartError extends Error {
  constructor(message: string, readonly exitCode = 1) { super(message); }
}

const EX_CONFIG = 78;
const EX_TEMPFAIL = 75; // SIGHUP: the unit's RestartForceExitStatus starts us again

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, '; ').replace(/:;/g, ':');

/** What went wrong, for the owner, from whatever was thrown at `stage`. */
function explain(err: unknown, stage: 'config' | 'data' | 'build' | 'listen', config?: Config): StartError {
  if (err instanceof StartError) return err;
  const e = err as NodeJS.ErrnoException & { code?: string; path?: string; file?: string };
  if (err instanceof ConfigError) return new StartError(`${oneLine(err.message)} (fix it in homeline.config.json or the environment)`, EX_CONFIG);
  if (e?.code === 'HL_IVR_MENU_INVALID') return new StartError(`${oneLine(e.message)} (check it with: npm run ivr:check -- ${e.file ?? ''})`.replace(' -- )', ')'), EX_CONFIG);
  if (stage === 'listen' && config) {
    const where = `${config.host}:${config.port}`;
    if (e?.code === 'EADDRINUSE') return new StartError(`port ${config.port} on ${config.host} is already in use (another homeline still running?): stop that process, or set PORT to a free port`);
    if (e?.code === 'EACCES') return new StartError(`not allowed to listen on ${where}: ports below 1024 need privileges; use PORT=8080 behind a reverse proxy (docs/deploy-https.md)`);
    if (e?.code === 'EADDRNOTAVAIL') return new StartError(`HOST ${config.host} is not an address of this machine: set HOST to one of its addresses, or 127.0.0.1 behind a reverse proxy`);
  }
  const fsError = /^E[A-Z]+$/.test(e?.code ?? '') && e?.syscall !== undefined;
  if (config && (stage === 'data' ? fsError : ['EACCES', 'EPERM', 'EROFS', 'ENOSPC'].includes(e?.code ?? ''))) {
    return new StartError(`cannot use the data dir ${config.dataDir} (${e.code} on ${e.syscall} ${e.path ?? ''}): make it a folder writable by the user running homeline, or set HOMELINE_DATA_DIR`.replace(' )', ')'));
  }
  // The secrets file's own errors already say what to do ("move it away to generate fresh secrets").
  if (stage === 'data') return new StartError(oneLine(e?.message ?? String(err)));
  return new StartError(`${stage === 'listen' ? 'could not listen' : 'could not start'}: ${oneLine(e?.message ?? String(err))}${e?.code ? ` (${e.code})` : ''}`);
}

async function start(): Promise<void> {
  let config: Config;
  try { config = loadConfig(); } catch (err) { throw explain(err, 'config'); }
  let loaded;
  try { loaded = await loadOrCreateSecrets(config.dataDir); } catch (err) { throw explain(err, 'data', config); }
  const { secrets, firstRunOwnerPassword } = loaded;
  let app: FastifyInstance;
  try { app = await buildApp(config, secrets); } catch (err) { throw explain(err, 'build', config); }
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await app.close().catch(() => undefined);
    throw explain(err, 'listen', config);
  }

  const shutdown = async (signal: string, code: number) => {
    app.log.info({ signal }, 'shutting down');
    await app.close();
    process.exit(code);
  };
  process.once('SIGINT', () => void shutdown('SIGINT', 0));
  process.once('SIGTERM', () => void shutdown('SIGTERM', 0));
  // `systemctl reload homeline`: read the configuration again and refuse a broken one while
  // still serving; a good one means a graceful restart (open calls get 1001 and their widgets
  // reconnect), because the listener, the upstream and the IVR are all built from it.
  // A renewed certificate alone (certbot's deploy hook sends SIGHUP) is loaded in place: calls
  // stay up, and an unchanged configuration needs no restart.
  process.on('SIGHUP', () => {
    if (config.tls.certFile) app.reloadTls();
    let next: Config;
    try {
      next = loadConfig();
    } catch (err) {
      app.log.error({ signal: 'SIGHUP' }, `reload refused, still running on the old configuration: ${oneLine((err as Error).message)}`);
      return;
    }
    if (isDeepStrictEqual(next, config)) {
      app.log.info({ signal: 'SIGHUP' }, 'reload: configuration unchanged, nothing to restart');
      return;
    }
    app.log.info({ signal: 'SIGHUP' }, 'reload: configuration valid, restarting gracefully');
    void shutdown('SIGHUP', EX_TEMPFAIL);
  });

  const origin = app.selfOrigins()[0];
  app.log.info({ upstream: upstreamKind(config), dataDir: config.dataDir }, 'homeline edge ready');
  for (const warning of configWarnings(config)) app.log.warn(warning);
  void checkAsterisk(app, config, secrets.ariPassword);
  if (firstRunOwnerPassword && !process.stdout.isTTY) {
    // Under systemd (or any redirect) stdout is a kept log: the password must not land there.
    process.stdout.write(`\n  homeline: first run; an owner password was generated but is not written to this log.\n  Set your own: npm run owner:password (with the same HOMELINE_DATA_DIR), then restart.\n\n`);
  } else if (firstRunOwnerPassword) {
    // Shown once on the terminal, not through the logger: logs are kept, this must not be.
    process.stdout.write(
      `\n  homeline is running on its ${upstreamKind(config)} upstream.\n` +
      `  Demo page (the call button):  ${origin}/demo/\n` +
      `  Owner console:                ${origin}/owner/\n` +
      `  Owner password (shown once):  ${firstRunOwnerPassword}\n` +
      `  Change it with:               npm run owner:password\n\n`,
    );
  } else {
    process.stdout.write(`\n  homeline: demo ${origin}/demo/  ·  owner console ${origin}/owner/\n\n`);
  }
}

/**
 * Asterisk down at start is not fatal (it may come up later, /readyz follows it) but it is an
 * error the owner must see in the start-up log, with what to check.
 */
async function checkAsterisk(app: FastifyInstance, config: Config, ariPassword: string): Promise<void> {
  if (upstreamKind(config) === 'asterisk') {
    const up = await app.upstream.readiness().catch((err: Error) => ({ ready: false, detail: err.message }));
    if (!up.ready) {
      app.log.error({ url: config.upstream.asteriskWsUrl, detail: up.detail },
        `Asterisk unreachable at start (${up.detail}): check that Asterisk runs, that http.conf binds the address in upstream.asteriskWsUrl, and that its configuration came from npm run asterisk:config`);
    }
  }
  if (config.ari.url) {
    const url = `${config.ari.url.replace(/\/+$/, '')}/asterisk/ping`;
    const auth = Buffer.from(`${config.ari.user}:${config.ari.password || ariPassword}`).toString('base64');
    let problem = '';
    try {
      const res = await fetch(url, { headers: { authorization: `Basic ${auth}` }, signal: AbortSignal.timeout(config.upstream.connectTimeoutMs) });
      if (res.status === 401) problem = 'ARI refused the user and password: regenerate ari.conf with npm run asterisk:config and reload Asterisk';
      else if (!res.ok) problem = `ARI answered ${res.status}: check that res_ari is loaded and ari.conf is enabled`;
    } catch (err) {
      problem = `${(err as Error).cause ? String(((err as Error).cause as Error).message ?? (err as Error).cause) : (err as Error).message}: check that Asterisk runs and http.conf binds the address in ari.url`;
    }
    if (problem) app.log.error({ url: config.ari.url }, `ARI unreachable at start: ${problem}`);
  }
}

start().catch((err) => {
  const e = err instanceof StartError ? err : explain(err, 'build');
  process.stderr.write(`homeline: ${e.message}\n`);
  process.exit(e.exitCode);
});
