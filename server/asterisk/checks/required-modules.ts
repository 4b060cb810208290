// Every module homeline cannot work without is `require`d: with a plain `load` (or autoload) an
// Asterisk that lacks it starts anyway and the failure is silent (no prompt audio without
// res_http_media_cache, for one). A module that is not loaded at all is worse still.
import { get, getAll, section } from '../conf-parser.ts';
import { REQUIRED_MODULES } from '../required-modules.ts';
import type { ConfSet, Violation } from './types.ts';

export function checkRequiredModules(set: ConfSet): Violation[] {
  const modules = set.get('modules.conf');
  const m = modules && section(modules, 'modules');
  if (!m) return []; // checkModules already reports a missing [modules] section
  const listed = (...keys: string[]) => new Set(keys.flatMap((k) => getAll(m, k)).map((v) => v.trim().replace(/\.so$/, '')));
  const required = listed('require', 'preload-require');
  const loaded = listed('load', 'preload');
  const noload = listed('noload');
  const autoload = /^(yes|true|on|1)$/i.test(get(m, 'autoload') ?? 'yes');
  const out: Violation[] = [];
  for (const [mod, why] of Object.entries(REQUIRED_MODULES)) {
    if (required.has(mod)) continue;
    if (noload.has(mod) || (!loaded.has(mod) && !autoload)) {
      out.push({ code: 'HL_MODULE_MISSING', file: 'modules.conf', line: m.line, message: `${mod} is not loaded: ${why}` });
    } else {
      out.push({ code: 'HL_MODULE_NOT_REQUIRED', file: 'modules.conf', line: m.line, message: `${mod} is loaded but not required (require => ${mod}.so): an Asterisk without it starts anyway and ${why}` });
    }
  }
  return out;
}
