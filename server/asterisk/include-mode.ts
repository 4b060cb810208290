// Include mode (`npm run asterisk:config -- --include`): homeline's part of the configuration as
// files of its own under homeline/, for an owner whose Asterisk already has phones, trunks and
// DIDs. Each of the owner's files gets one `#include homeline/<file>` line at its end. What
// homeline adds never replaces what the owner wrote:
//  - its own objects and contexts (the visitor and owner-tab endpoints, [from-web], the IVR's
//    contexts…) must not exist in the owner's files: a clash is refused, never renamed, because
//    the edge names them in SIP URIs and ARI calls;
//  - the one-per-file settings sections ([general] of http.conf, [modules], pjsip's global…) are
//    added to with `[name](+)`, which Asterisk appends to the owner's section;
//  - the owner's world (phones, trunk template, [internal], [from-trunk]…) is left out: it is theirs.
// Pure: generated texts and the owner's texts in, files and findings out.
import { get, type ConfFile } from './conf-parser.ts';
import { type AsteriskPlan, TRUNK_TEMPLATE } from './plan.ts';
import { HEADER } from './render/common.ts';

export const INCLUDE_DIR = 'homeline';

/** The owner's files homeline adds to; the rest of a full render is written only where absent. */
export const INCLUDED_FILES = ['pjsip.conf', 'extensions.conf', 'http.conf', 'ari.conf', 'rtp.conf', 'modules.conf', 'voicemail.conf'] as const;

/** Settings sections Asterisk reads once per file: homeline appends to the owner's with (+). */
const SHARED: Record<string, string[]> = {
  'http.conf': ['general'],
  'ari.conf': ['general'],
  'rtp.conf': ['general', 'ice_host_candidates'],
  'modules.conf': ['modules'],
  'voicemail.conf': ['general', 'default'],
};

/** Sections of a full render that are the owner's own business in include mode. */
function ownerWorld(file: string, plan: AsteriskPlan): Set<string> {
  if (file === 'pjsip.conf') return new Set(['phone-tpl', 'aor-phone-tpl', TRUNK_TEMPLATE, 'transport-tls', ...plan.phones.map((p) => p.extension)]);
  if (file === 'extensions.conf') return new Set(['general', 'globals', 'internal', 'from-phones', 'phones-outbound', 'refused', 'from-trunk']);
  return new Set();
}

/** Sections written only when the owner has none (their voicemail settings stay theirs). */
const OWNER_SETTINGS: Record<string, string[]> = { 'voicemail.conf': ['general'] };

/** Lines never appended to the owner's section: autoload=no would unload the owner's modules. */
const NOT_APPENDED: Record<string, RegExp> = { 'modules.conf': /^autoload\s*=/ };

/** One section of a rendered file: the comment lines just above its header, the header, the rest. */
export interface Chunk { name: string; lead: string[]; header: string; body: string[] }

export function splitSections(text: string): Chunk[] {
  const chunks: Chunk[] = [{ name: '', lead: [], header: '', body: [] }];
  for (const line of text.split('\n')) {
    const m = /^\[([^\]]+)\]/.exec(line);
    if (!m) { chunks.at(-1)!.body.push(line); continue; }
    const prev = chunks.at(-1)!.body;
    let i = prev.length;
    while (i > 0 && prev[i - 1].startsWith(';')) i--;
    chunks.push({ name: m[1].trim(), lead: prev.splice(i), header: line, body: [] });
  }
  return chunks;
}

const joinChunk = (c: Chunk, header: string, body: string[]) => [...c.lead, header, ...body].join('\n');

export interface Clash { file: string; section: string; where: string; fix: string }

export interface IncludeRender {
  /** Path under the config dir → text: homeline/*.conf, and whole files the owner does not have. */
  files: Record<string, string>;
  /** The line each owner file needs at its end. */
  includeLines: Record<string, string>;
  clashes: Clash[];
  /** Settings of the owner's that homeline's (+) sections change, for the owner to read. */
  overrides: string[];
}

function sectionsOf(owner: ConfFile | undefined): Map<string, { file: string; line: number }> {
  const out = new Map<string, { file: string; line: number }>();
  for (const s of owner?.sections ?? []) if (!out.has(s.name)) out.set(s.name, { file: s.file, line: s.line });
  return out;
}

function fixFor(file: string, name: string, plan: AsteriskPlan): string {
  if (name === plan.owner.extension) return `set owner.extension (HOMELINE_OWNER_EXTENSION) to an extension your Asterisk does not use`;
  if (file === 'extensions.conf') return `rename your context [${name}]: the edge continues calls into homeline's [${name}]`;
  return `rename your [${name}]: the edge and homeline's endpoints refer to this name`;
}

/** What the owner tab may call in include mode: the home phones by name and the voicemail box. */
function ownerWebContext(plan: AsteriskPlan): string {
  const dials = plan.phones.map((p) => `exten => ${p.extension},1,Dial(PJSIP/${p.extension},30)\n same => n,Hangup()`).join('\n');
  return `${dials}\nexten => *97,1,VoiceMailMain(${plan.owner.mailbox},s)\n same => n,Hangup()\n`;
}

/** pjsip's global object: add "header" first to the owner's identifier order, drop anonymous. */
function pjsipGlobal(owner: ConfFile | undefined, overrides: string[]): { name: string; text: string } | undefined {
  const g = owner?.sections.find((s) => !s.isTemplate && get(s, 'type') === 'global');
  if (!g) return undefined;
  const was = get(g, 'endpoint_identifier_order') ?? 'ip,username,anonymous';
  const order = ['header', ...was.split(',').map((s) => s.trim()).filter((s) => s && s !== 'header' && s !== 'anonymous')].join(',');
  if (order !== was) overrides.push(`pjsip.conf [${g.name}] endpoint_identifier_order ${was} → ${order} (the edge's secret header identifies visitors first; no anonymous)`);
  return { name: g.name, text: `; The edge's secret header identifies its requests before anything else does.\n[${g.name}](+)\nendpoint_identifier_order=${order}\n` };
}

/**
 * homeline's part of each file, given the full render and the owner's parsed top-level files
 * (their own #includes followed, homeline's left out).
 */
export function renderIncludes(full: Record<string, string>, plan: AsteriskPlan, owner: Map<string, ConfFile>): IncludeRender {
  const files: Record<string, string> = {};
  const includeLines: Record<string, string> = {};
  const clashes: Clash[] = [];
  const overrides: string[] = [];
  for (const file of INCLUDED_FILES) {
    const mine = owner.get(file);
    const theirs = sectionsOf(mine);
    const dropped = ownerWorld(file, plan);
    const shared = SHARED[file] ?? [];
    const out: string[] = [];
    for (const c of splitSections(full[file])) {
      if (!c.name) continue; // the header comment; ours goes on top
      if (dropped.has(c.name)) continue;
      // Directives of the full render (the phones' secrets, the owner's trunks) belong to the owner's world.
      const body = c.body.filter((l) => !l.startsWith('#'));
      if (file === 'pjsip.conf' && c.name === 'global') {
        const g = pjsipGlobal(mine, overrides);
        out.push(g ? g.text : joinChunk(c, c.header, body));
        continue;
      }
      if (file === 'extensions.conf' && c.name === 'from-owner-web') {
        out.push(joinChunk(c, c.header, [ownerWebContext(plan)]));
        continue;
      }
      if (OWNER_SETTINGS[file]?.includes(c.name) && theirs.has(c.name)) continue;
      if (shared.includes(c.name) || OWNER_SETTINGS[file]?.includes(c.name)) {
        if (!theirs.has(c.name)) { out.push(joinChunk(c, c.header, body)); continue; }
        const skip = NOT_APPENDED[file];
        const kept = body.filter((l) => !skip?.test(l));
        for (const l of kept) {
          const m = /^([^;=\s][^=]*?)\s*=(?!>)\s*(.*)$/.exec(l);
          const existing = m && mine!.sections.find((s) => s.name === c.name);
          const was = m && existing && get(existing, m[1]);
          if (m && was !== undefined && was !== m[2]) overrides.push(`${file} [${c.name}] ${m[1]} ${was} → ${m[2]}`);
        }
        out.push(joinChunk(c, `[${c.name}](+)`, kept));
        continue;
      }
      const at = theirs.get(c.name);
      if (at) {
        if (!clashes.some((x) => x.file === file && x.section === c.name)) {
          clashes.push({ file, section: c.name, where: `${at.file}:${at.line}`, fix: fixFor(file, c.name, plan) });
        }
        continue;
      }
      out.push(joinChunk(c, c.header, body));
    }
    const path = `${INCLUDE_DIR}/${file}`;
    files[path] = `${HEADER}; homeline's part of ${file}, included from it by: #include ${path}\n\n${out.join('\n').replace(/\n{3,}/g, '\n\n').trim()}\n`;
    includeLines[file] = `#include ${path}`;
    // No such file of the owner's: homeline writes one that is only the include.
    if (!mine) files[file] = `${HEADER}\n#include ${path}\n`;
  }
  // The small files a loaded module reads: only where the owner has none.
  for (const [file, text] of Object.entries(full)) {
    if (!(INCLUDED_FILES as readonly string[]).includes(file) && !owner.has(file)) files[file] = text;
  }
  return { files, includeLines, clashes, overrides };
}

/** The owner's file with homeline's include line at its end, or undefined when it has it already. */
export function withIncludeLine(text: string, line: string): string | undefined {
  const path = line.replace(/^#include\s+/, '');
  const has = text.split('\n').some((l) => l.trim().replace(/\s+/g, ' ').replace(/["<>]/g, '') === `#include ${path}`);
  if (has) return undefined;
  return `${text.replace(/\n*$/, '\n')}\n; homeline's endpoints and contexts (npm run asterisk:config -- --include)\n${line}\n`;
}
