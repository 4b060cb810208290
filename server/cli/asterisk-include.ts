// `npm run asterisk:config -- --include --out /etc/asterisk [--add-includes]`: homeline beside an
// owner's existing Asterisk (server/asterisk/include-mode.ts). Writes only files homeline owns
// (homeline/*.conf, and whole files the owner does not have), refuses a section-name clash before
// writing anything, and runs the invariant checks over the configuration Asterisk will load: the
// owner's files with the include lines, #includes followed.
import { mkdirSync, writeFileSync, existsSync, renameSync, readFileSync, copyFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import type { Config } from '../config/schema.ts';
import type { Site } from '../asterisk/site.ts';
import type { Generated } from '../asterisk/generate.ts';
import { checkAll, parseConfSet, readConfTexts, type Violation } from '../asterisk/checks.ts';
import { renderIncludes, withIncludeLine, INCLUDE_DIR } from '../asterisk/include-mode.ts';
import { GENERATED_MARKER } from '../asterisk/render/common.ts';

interface Options { out: string; addIncludes: boolean; stamp: string }

const ours = (text: string) => text.includes(GENERATED_MARKER);

function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o640 });
  renameSync(tmp, path);
}

export function printViolations(violations: Violation[]): void {
  console.error(`\n${violations.length} invariant violation(s); do not load this configuration:`);
  for (const v of violations) console.error(`  ${v.code} ${v.file}${v.line ? `:${v.line}` : ''}: ${v.message}`);
}

export function runIncludeMode(generated: Generated, expected: { config: Config; secrets: { edgeSecret: string; ariPassword: string }; site: Site }, opts: Options): number {
  const { out } = opts;
  const all = readConfTexts(out);
  // The owner's configuration: every file but the ones homeline wrote (its include dir, or a
  // whole file it wrote where the owner had none).
  const owner = Object.fromEntries(Object.entries(all).filter(([name, text]) => !name.startsWith(`${INCLUDE_DIR}/`) && !ours(text)));
  const foreign = Object.keys(all).filter((name) => name.startsWith(`${INCLUDE_DIR}/`) && !ours(all[name]));
  if (foreign.length) {
    console.error(`HL_ASTERISK_FOREIGN_FILES: ${out} already has ${foreign.join(', ')}, not written by homeline; nothing was written. Move them out of ${INCLUDE_DIR}/, which is homeline's.`);
    return 1;
  }
  const r = renderIncludes(generated.files, generated.plan, parseConfSet(owner, out));
  if (r.clashes.length) {
    console.error(`HL_ASTERISK_SECTION_CLASH: your configuration already defines ${r.clashes.length} name(s) homeline needs; nothing was written.`);
    for (const c of r.clashes) console.error(`  [${c.section}] in ${c.where}: ${c.fix}`);
    return 1;
  }
  // What Asterisk will load once every include line is in: the checks run on exactly that.
  const result: Record<string, string> = { ...owner, ...r.files };
  const missing: string[] = [];
  for (const [file, line] of Object.entries(r.includeLines)) {
    const text = owner[file];
    if (text === undefined) continue;
    const added = withIncludeLine(text, line);
    if (added !== undefined) { result[file] = added; missing.push(file); }
  }
  const violations = checkAll(parseConfSet(result, out), expected);
  if (violations.length) {
    printViolations(violations);
    console.error('nothing was written.');
    return 1;
  }
  for (const [name, text] of Object.entries(r.files)) {
    const path = join(out, name);
    if (existsSync(path) && !ours(readFileSync(path, 'utf8'))) continue; // the owner's, never ours to replace
    writeAtomic(path, text);
  }
  console.log(`wrote ${Object.keys(r.files).length} files to ${out} (${INCLUDE_DIR}/*.conf and files your Asterisk did not have)`);
  for (const o of r.overrides) console.log(`  changes your setting: ${o}`);
  if (missing.length && opts.addIncludes) {
    for (const file of missing) {
      const path = join(out, file);
      const backup = `${path}.homeline-backup-${opts.stamp}`;
      copyFileSync(path, backup);
      writeAtomic(path, result[file]);
      console.log(`added "${r.includeLines[file]}" to ${file} (yours kept as ${backup})`);
    }
  } else if (missing.length) {
    console.log('\nAdd these lines at the END of your files (after your own sections), or rerun with --add-includes:');
    for (const file of missing) console.log(`  ${join(out, file)}:  ${r.includeLines[file]}`);
  }
  console.log('\ninvariants hold over your whole configuration with homeline included: visitors reach only home extensions, IVR and voicemail; ' +
    'the edge\'s listeners on loopback. Then: asterisk -rx "core reload" (or restart Asterisk: modules.conf changes need it).');
  return 0;
}
