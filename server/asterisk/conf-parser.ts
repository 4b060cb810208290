// A reader for Asterisk's .conf format (main/config.c), enough to reason about the files we
// generate and the ones an owner edits by hand: sections, templates `(!)` and inheritance
// `(tpl1,tpl2)`, `key = value` and `key => value`, `;` comments (with `\;` escapes) and `;-- --;`
// block comments, and `#include`/`#tryinclude`/`#exec` directives (globs and nesting followed, a
// cycle refused). Pure: text in, structure out; the caller's reader finds included files.

export interface ConfEntry {
  key: string;
  value: string;
  /** `=>` is how dialplan lines (`exten =>`, `same =>`, `include =>`) are usually written. */
  op: '=' | '=>';
  /** The file the line is in (an #include'd file keeps its own name). */
  file: string;
  line: number;
}

export interface ConfSection {
  name: string;
  /** `[name](!)`: a template, never an object of its own. */
  isTemplate: boolean;
  /** Names this section inherits from, in order: `[name](tpl1,tpl2)`. */
  templates: string[];
  /** `[name](+)`: adds to an earlier section of the same name. */
  append: boolean;
  /** Entries written in this section only. */
  own: ConfEntry[];
  /** Template entries first (in inheritance order), then its own: what Asterisk sees. */
  entries: ConfEntry[];
  file: string;
  line: number;
}

export interface ConfDirective {
  kind: 'include' | 'tryinclude' | 'exec';
  arg: string;
  file: string;
  line: number;
  /** For #include/#tryinclude: whether the reader found the file (and parsed it in place). */
  found: boolean;
}

export interface ConfFile {
  name: string;
  sections: ConfSection[];
  directives: ConfDirective[];
}

export class ConfParseError extends Error {
  readonly code = 'HL_ASTERISK_CONF_SYNTAX';
  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`);
  }
}

/** Removes comments from one line; `inBlock` carries a `;-- … --;` comment across lines. */
function stripComment(line: string, state: { inBlock: boolean }): string {
  let out = '';
  for (let i = 0; i < line.length; i++) {
    if (state.inBlock) {
      if (line.startsWith('--;', i)) { state.inBlock = false; i += 2; }
      continue;
    }
    const c = line[i];
    if (c === '\\' && line[i + 1] === ';') { out += ';'; i++; continue; }
    if (c === ';') {
      if (line.startsWith(';--', i)) { state.inBlock = true; i += 2; continue; }
      break;
    }
    out += c;
  }
  return out;
}

/** One file an #include names (a glob names several, each with its own path). */
export interface IncludedFile { name: string; text: string }

/**
 * Finds an #include'd file's text by name: a string for the one file, a list for a glob
 * (`homeline/*.conf`, sorted as Asterisk's glob() sorts), undefined or [] when nothing matches.
 */
export type IncludeReader = (name: string) => string | IncludedFile[] | undefined;

/** Whether an #include argument is a glob (Asterisk expands *, ? and [...] with glob(3)). */
export function isGlob(arg: string): boolean {
  return /[*?[]/.test(arg);
}

/** A glob as a RegExp over '/'-separated paths: * and ? never cross a '/'. */
export function globRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) { re += '\\['; continue; }
      const body = glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
      re += `[${body}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Parses one file. With `read`, #include/#tryinclude are parsed in place as Asterisk does (a
 * section may continue across them, templates from the parent apply in the child).
 */
export function parseConf(text: string, name = 'config', read?: IncludeReader): ConfFile {
  const sections: ConfSection[] = [];
  const directives: ConfDirective[] = [];
  let current: ConfSection | undefined;

  // The files being parsed, outermost first: an #include of one of them would never end.
  const stack: string[] = [];
  const parseText = (body: string, file: string) => {
    stack.push(file);
    const state = { inBlock: false };
    const lines = body.split(/\r?\n/);
    lines.forEach((raw, idx) => {
      const lineNo = idx + 1;
      const line = stripComment(raw, state).trim();
      if (!line) return;
      if (line.startsWith('#')) {
        const m = /^#(include|tryinclude|exec)\s+(.+)$/.exec(line);
        if (!m) throw new ConfParseError(file, lineNo, `unknown directive ${line}`);
        const arg = m[2].trim().replace(/^["<](.*)[">]$/, '$1');
        const found = m[1] !== 'exec' && read ? read(arg) : undefined;
        const included = typeof found === 'string' ? [{ name: arg, text: found }] : found ?? [];
        directives.push({ kind: m[1] as ConfDirective['kind'], arg, file, line: lineNo, found: included.length > 0 });
        for (const child of included) {
          if (stack.includes(child.name)) throw new ConfParseError(file, lineNo, `#include cycle: ${[...stack, child.name].join(' → ')}`);
          if (stack.length > 8) throw new ConfParseError(file, lineNo, `#include nested too deep at ${child.name}`);
          parseText(child.text, child.name);
        }
        return;
      }
      if (line.startsWith('[')) {
        const m = /^\[([^\]]+)\]\s*(?:\(([^)]*)\))?$/.exec(line);
        if (!m) throw new ConfParseError(file, lineNo, `bad section header ${line}`);
        const opts = (m[2] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        const sectionName = m[1].trim();
        const append = opts.includes('+');
        const templates = opts.filter((o) => o !== '!' && o !== '+');
        const inherited: ConfEntry[] = [];
        for (const t of templates) {
          const base = sections.find((s) => s.name === t);
          if (!base) throw new ConfParseError(file, lineNo, `section [${sectionName}] inherits unknown template ${t}`);
          inherited.push(...base.entries);
        }
        if (append) {
          const earlier = sections.findLast((s) => s.name === sectionName);
          if (!earlier) throw new ConfParseError(file, lineNo, `[${sectionName}](+) has no earlier section to add to`);
          current = earlier;
          return;
        }
        current = { name: sectionName, isTemplate: opts.includes('!'), templates, append, own: [], entries: inherited, file, line: lineNo };
        sections.push(current);
        return;
      }
      const m = /^([^=]+?)\s*(=>|=)\s*(.*)$/.exec(line);
      if (!m) throw new ConfParseError(file, lineNo, `expected key = value, got ${line}`);
      if (!current) throw new ConfParseError(file, lineNo, `${m[1]} outside any section`);
      const entry: ConfEntry = { key: m[1].trim(), value: m[3].trim(), op: m[2] as ConfEntry['op'], file, line: lineNo };
      current.own.push(entry);
      current.entries.push(entry);
    });
    if (state.inBlock) throw new ConfParseError(file, lines.length, 'block comment ;-- never closed');
    stack.pop();
  };

  parseText(text, name);
  return { name, sections, directives };
}

/** The last value of `key` in a section (later lines override earlier ones for scalar options). */
export function get(section: ConfSection, key: string): string | undefined {
  return section.entries.findLast((e) => e.key === key)?.value;
}

/** Every value of `key`, in order (for keys that may repeat, such as `allow` or `match`). */
export function getAll(section: ConfSection, key: string): string[] {
  return section.entries.filter((e) => e.key === key).map((e) => e.value);
}

/** Real objects (not templates) of a pjsip-style `type=`, e.g. `objects(pjsip, 'endpoint')`. */
export function objects(file: ConfFile, type: string): ConfSection[] {
  return file.sections.filter((s) => !s.isTemplate && get(s, 'type') === type);
}

export function section(file: ConfFile, name: string): ConfSection | undefined {
  return file.sections.find((s) => s.name === name && !s.isTemplate);
}
