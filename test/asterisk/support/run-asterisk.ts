// Runs a real Asterisk on a directory of configuration files, for the tests that exist only
// when HOMELINE_TEST_ASTERISK names a binary (Asterisk is not packaged for Debian 12).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync, readdirSync, copyFileSync } from 'node:fs';
import { join, dirname } from 'node:path';

export const ASTERISK_BINARY = process.env.HOMELINE_TEST_ASTERISK ?? '';

/** Why the real-Asterisk tests skip, or false when they can run. */
export const asteriskSkip: string | false = !ASTERISK_BINARY
  ? 'set HOMELINE_TEST_ASTERISK=/path/to/asterisk to run against a real Asterisk (not packaged for Debian 12; see asterisk/README.md)'
  : !existsSync(ASTERISK_BINARY) ? `HOMELINE_TEST_ASTERISK=${ASTERISK_BINARY} is not an Asterisk binary on this machine` : false;

function moduleDir(): string {
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

export interface RunningAsterisk {
  root: string;
  cli(cmd: string): string;
  stop(): Promise<void>;
}

/** Starts Asterisk with the .conf files of `confDir` (copied under `root/etc`), waits until booted. */
export async function runAsterisk(root: string, confDir: string): Promise<RunningAsterisk> {
  const etc = join(root, 'etc');
  for (const d of ['etc', 'lib', 'lib/keys', 'spool', 'run', 'log']) mkdirSync(join(root, d), { recursive: true });
  for (const f of readdirSync(confDir)) if (f.endsWith('.conf')) copyFileSync(join(confDir, f), join(etc, f));
  const conf = join(etc, 'asterisk.conf');
  writeFileSync(conf, `[directories]
astetcdir => ${etc}
astmoddir => ${moduleDir()}
astvarlibdir => ${join(root, 'lib')}
astdbdir => ${join(root, 'lib')}
astkeydir => ${join(root, 'lib')}
astdatadir => ${dataDir()}
astspooldir => ${join(root, 'spool')}
astrundir => ${join(root, 'run')}
astlogdir => ${join(root, 'log')}
[options]
`);
  const cli = (cmd: string) => execFileSync(ASTERISK_BINARY, ['-C', conf, '-rx', cmd], { encoding: 'utf8' });
  const daemon: ChildProcess = spawn(ASTERISK_BINARY, ['-C', conf, '-f', '-n'], { stdio: 'ignore' });
  let booted = false;
  for (let i = 0; i < 60 && !booted; i++) {
    try { cli('core waitfullybooted'); booted = true; } catch { await new Promise((r) => setTimeout(r, 500)); }
  }
  const stop = async () => {
    try { cli('core stop now'); } catch { daemon.kill('SIGTERM'); }
    await new Promise((r) => (daemon.exitCode !== null ? r(null) : daemon.once('exit', r)));
  };
  if (!booted) {
    await stop();
    throw new Error(`Asterisk did not boot; see ${join(root, 'log')}`);
  }
  return { root, cli, stop };
}
