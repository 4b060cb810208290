// Runs a real Asterisk on a directory of configuration files. Every test run has one: npm test
// unpacks the prebuilt Asterisk 22.10.1 from ../shared/asterisk (scripts/asterisk-for-tests.sh);
// HOMELINE_TEST_ASTERISK points elsewhere. A run without one fails and says how to get it.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync, readdirSync, copyFileSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';

/** Where scripts/asterisk-for-tests.sh unpacks the shared build (a dot-free path). */
const INSTALLED = join(process.env.HOMELINE_ASTERISK_CACHE ?? '/var/tmp/homeline-asterisk', 'asterisk-22.10.1/sbin/asterisk');

export const ASTERISK_BINARY = process.env.HOMELINE_TEST_ASTERISK || INSTALLED;

/** Throws, saying how to get one, when this machine has no Asterisk for the tests. */
export function requireAsterisk(): void {
  if (existsSync(ASTERISK_BINARY)) return;
  throw new Error(process.env.HOMELINE_TEST_ASTERISK
    ? `HOMELINE_TEST_ASTERISK=${ASTERISK_BINARY} is not an Asterisk binary on this machine`
    : `no Asterisk at ${ASTERISK_BINARY}: run scripts/asterisk-for-tests.sh (npm test does) or set HOMELINE_TEST_ASTERISK`);
}

export function moduleDir(): string {
  if (process.env.HOMELINE_TEST_ASTERISK_MODDIR) return process.env.HOMELINE_TEST_ASTERISK_MODDIR;
  const prefix = dirname(dirname(ASTERISK_BINARY));
  return [join(prefix, 'lib/asterisk/modules'), join(prefix, 'lib64/asterisk/modules'), '/usr/lib/asterisk/modules'].find(existsSync) ?? '/usr/lib/asterisk/modules';
}

/** Asterisk's own data (XML docs, rest-api): modules refuse to load without them. */
function dataDir(): string {
  if (process.env.HOMELINE_TEST_ASTERISK_DATADIR) return process.env.HOMELINE_TEST_ASTERISK_DATADIR;
  const prefix = dirname(dirname(ASTERISK_BINARY));
  return [join(prefix, 'var/lib/asterisk'), '/var/lib/asterisk', '/usr/share/asterisk'].find((d) => existsSync(join(d, 'documentation'))) ?? '/var/lib/asterisk';
}

export type StopHow = 'now' | 'term' | 'kill';

export interface RunningAsterisk {
  root: string;
  cli(cmd: string): string;
  /**
   * Stops Asterisk: `now` hangs every call up first (`core stop now`), `term` as systemd's stop or
   * restart does (SIGTERM), `kill` as a crash (SIGKILL).
   */
  stop(how?: StopHow): Promise<void>;
  /** Starts it again on the same root, configuration and ports after a stop. */
  start(): Promise<void>;
  /** Whether the daemon is running. */
  running(): boolean;
}

export interface RunOptions {
  /** Module directory instead of the build's (e.g. a copy lacking one module). */
  moduleDir?: string;
  /** astcachedir instead of `root/cache`; a test of the dotted-path failure names one on purpose. */
  cacheDir?: string;
  /** Run the daemon inside this named network namespace (`ip netns exec`, root); its CLI socket is a file, reachable from anywhere. */
  netns?: string;
}

/** Asterisk exited instead of booting; `log` is its messages.log (which names the cause). */
export class AsteriskStartError extends Error {
  constructor(readonly exitCode: number | null, readonly log: string, logDir: string) {
    super(`Asterisk did not boot${exitCode === null ? '' : ` (exit ${exitCode})`}; see ${logDir}`);
  }
}

/** Starts Asterisk with the .conf files of `confDir` (copied under `root/etc`), waits until booted. */
export async function runAsterisk(root: string, confDir: string, opts: RunOptions = {}): Promise<RunningAsterisk> {
  requireAsterisk();
  // res_http_media_cache takes a dot anywhere in astcachedir for a file extension and every
  // sound:http… playback then fails silently (shared/ASTERISK-NOTES.md).
  const cacheDir = opts.cacheDir ?? join(root, 'cache');
  if (!opts.cacheDir && root.includes('.')) throw new Error(`Asterisk's test root ${root} contains a dot: prompts fetched over HTTP would never play`);
  const etc = join(root, 'etc');
  for (const d of ['etc', 'lib', 'lib/keys', 'spool', 'run', 'log']) mkdirSync(join(root, d), { recursive: true });
  mkdirSync(cacheDir, { recursive: true });
  for (const f of readdirSync(confDir, { withFileTypes: true })) {
    if (f.isFile() && f.name.endsWith('.conf')) copyFileSync(join(confDir, f.name), join(etc, f.name));
    // Folders of included files (an owner's homeline/*.conf): #include resolves against etc.
    if (f.isDirectory()) {
      mkdirSync(join(etc, f.name), { recursive: true });
      for (const g of readdirSync(join(confDir, f.name))) if (g.endsWith('.conf')) copyFileSync(join(confDir, f.name, g), join(etc, f.name, g));
    }
  }
  const conf = join(etc, 'asterisk.conf');
  writeFileSync(conf, `[directories]
astetcdir => ${etc}
astmoddir => ${opts.moduleDir ?? moduleDir()}
astvarlibdir => ${join(root, 'lib')}
astdbdir => ${join(root, 'lib')}
astkeydir => ${join(root, 'lib')}
astdatadir => ${dataDir()}
astspooldir => ${join(root, 'spool')}
astrundir => ${join(root, 'run')}
astlogdir => ${join(root, 'log')}
astcachedir => ${cacheDir}
[options]
`);
  const cli = (cmd: string) => execFileSync(ASTERISK_BINARY, ['-C', conf, '-rx', cmd], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  let daemon: ChildProcess | undefined;
  const running = () => daemon !== undefined && daemon.exitCode === null && daemon.signalCode === null;
  const stop = async (how: StopHow = 'now') => {
    const d = daemon;
    if (!d || d.exitCode !== null || d.signalCode !== null) return;
    const exited = new Promise((r) => d.once('exit', r));
    if (how === 'kill') d.kill('SIGKILL');
    else if (how === 'term') d.kill('SIGTERM');
    else {
      try { cli('core stop now'); } catch { d.kill('SIGTERM'); }
    }
    await exited;
  };
  const start = async () => {
    if (running()) throw new Error('Asterisk is already running');
    const args = ['-C', conf, '-f', '-n'];
    // `ip netns exec` execs Asterisk itself, so the signals of stop() still reach it.
    daemon = opts.netns ? spawn('ip', ['netns', 'exec', opts.netns, ASTERISK_BINARY, ...args], { stdio: 'ignore' }) : spawn(ASTERISK_BINARY, args, { stdio: 'ignore' });
    let booted = false;
    for (let i = 0; i < 60 && !booted && running(); i++) {
      // An Asterisk that exits mid-boot (a required module missing) drops the remote console
      // with status 0 and no output: only the words say it booted.
      try { booted = /fully booted/i.test(cli('core waitfullybooted')); } catch { /* not up yet */ }
      if (!booted) await new Promise((r) => setTimeout(r, 500));
    }
    if (!booted) {
      const exitCode = daemon.exitCode;
      await stop();
      const log = join(root, 'log', 'messages.log');
      throw new AsteriskStartError(exitCode, existsSync(log) ? readFileSync(log, 'utf8') : '', join(root, 'log'));
    }
  };
  await start();
  return { root, cli, stop, start, running };
}
