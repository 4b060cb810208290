// Asterisk's astcachedir must hold no dot anywhere in its path: res_http_media_cache takes the
// first dot it meets for the start of a file extension, so a download under `/tmp/tmp.AbC123`
// keeps no extension and every `sound:http…` prompt fails "does not exist in any format" — the
// caller hears silence and Asterisk starts as if nothing were wrong (shared/ASTERISK-NOTES.md).
import { parseConf } from './conf-parser.ts';
import { AsteriskConfigError } from './errors.ts';

/** Where Asterisk caches media when asterisk.conf does not say. */
export const DEFAULT_ASTCACHEDIR = '/var/cache/asterisk';

/** astcachedir from the text of an asterisk.conf (none: Asterisk's default). */
export function astCacheDir(asteriskConf: string | undefined): string {
  if (asteriskConf === undefined) return DEFAULT_ASTCACHEDIR;
  // Asterisk's sample writes `[directories](!)`: a template to the parser, read all the same.
  const entries = parseConf(asteriskConf, 'asterisk.conf').sections.filter((s) => s.name === 'directories').flatMap((s) => s.entries);
  return entries.findLast((e) => e.key === 'astcachedir')?.value.trim() || DEFAULT_ASTCACHEDIR;
}

/** Refuses a cache directory whose path has a dot in it, naming the path and why. */
export function checkCacheDir(dir: string, source: string): void {
  if (!dir.includes('.')) return;
  throw new AsteriskConfigError('HL_ASTERISK_CACHEDIR',
    `astcachedir ${dir} (${source}) contains a dot: res_http_media_cache would save prompts without an extension and every IVR prompt would play as silence; set astcachedir in [directories] to a path without dots`);
}
