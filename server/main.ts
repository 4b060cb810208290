// `npm start`: load and validate the config, create first-run secrets, start the edge.
import { loadConfig, ConfigError, upstreamKind } from './config/load.ts';
import { loadOrCreateSecrets } from './config/secrets.ts';
import { buildApp } from './app.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    configFailed(err);
  }
  const { secrets, firstRunOwnerPassword } = await loadOrCreateSecrets(config.dataDir);
  let app;
  try {
    app = await buildApp(config, secrets);
  } catch (err) {
    configFailed(err); // e.g. tls.certFile unreadable
  }
  // A renewed certificate: `kill -HUP <pid>` (certbot's deploy hook) loads it; calls stay up.
  // Only with TLS: otherwise SIGHUP keeps its usual meaning.
  if (config.tls.certFile) process.on('SIGHUP', () => app.reloadTls());
  const shutdown = async (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  await app.listen({ host: config.host, port: config.port });
  const origin = app.selfOrigins()[0];
  app.log.info({ upstream: upstreamKind(config), dataDir: config.dataDir }, 'homeline edge ready');
  if (firstRunOwnerPassword) {
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

function configFailed(err: unknown): never {
  if (err instanceof ConfigError) {
    process.stderr.write(`homeline: ${err.message}\n`);
    process.exit(78); // EX_CONFIG
  }
  throw err;
}

main().catch((err) => {
  process.stderr.write(`homeline failed to start: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
