// The real edge (server/main.ts) as a process on the home host of a namespace topology, reached
// at its home address like a visitor on another host would: the TURN/NAT spec's embedded edges
// and the Asterisk home (asterisk-home.ts) both start it this way.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repo } from '../e2e/support/edge.ts';
import { stopChild, type Namespaces } from './topology.ts';

export const tsx = join(repo, 'node_modules/.bin/tsx');

/** Polls `ok` every 200 ms; after `ms` it throws with what() (the failure's evidence). */
export async function until(ok: () => boolean, what: () => string, ms = 120_000): Promise<void> {
  for (const end = Date.now() + ms; !ok();) {
    if (Date.now() > end) throw new Error(what());
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Sets the owner's password in env's data dir, starts the edge in `ns` and waits for `${url}/readyz` to say ready. */
export async function startEdgeIn(spaces: Namespaces, ns: string, url: string, env: NodeJS.ProcessEnv, password: string) {
  execFileSync(tsx, ['server/cli/owner-password.ts', '--password', password], { cwd: repo, env, stdio: 'pipe' });
  const edge = spaces.spawnIn(ns, tsx, ['server/main.ts'], env);
  try {
    await until(() => {
      if (edge.child.exitCode !== null) throw new Error(`the edge exited:\n${edge.output()}`);
      try { return spaces.run(ns, 'curl', ['-sf', `${url}/readyz`]).includes('"ready":true'); } catch { return false; }
    }, () => `edge at ${url} not ready:\n${edge.output()}`);
  } catch (err) {
    await stopChild(edge.child);
    throw err;
  }
  return edge;
}
