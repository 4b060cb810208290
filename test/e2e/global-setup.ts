// Builds the web bundle, starts two real edges (normal, and one with a token limit of 2 per
// minute for the rate-limit case) and a page on a third origin. Addresses reach the tests
// through the environment.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, repo, startEdge } from './support/edge.ts';
import { serveOtherOrigin } from './support/other-origin.ts';

export default async function globalSetup() {
  execFileSync(join(repo, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], { cwd: repo, stdio: 'inherit' });
  mkdirSync(join(repo, 'test/artifacts'), { recursive: true });
  const otherPort = await freePort();
  const otherOrigin = `http://127.0.0.1:${otherPort}`;
  // A named owner, as a real site has: the widget then says "Ada is available", not a placeholder.
  const edge = await startEdge({ HOMELINE_ALLOWED_ORIGINS: otherOrigin, HOMELINE__owner__name: 'Ada' });
  const limited = await startEdge({ HOMELINE__limits__tokenPerIpPerMinute: '2' });
  const other = await serveOtherOrigin(otherPort, edge.url);
  process.env.HL_E2E_EDGE = edge.url;
  process.env.HL_E2E_PASSWORD = edge.password;
  process.env.HL_E2E_LIMITED = limited.url;
  process.env.HL_E2E_LIMITED_PASSWORD = limited.password;
  process.env.HL_E2E_OTHER = otherOrigin;
  return async () => {
    other.close();
    await Promise.all([edge.stop(), limited.stop()]);
  };
}
