// Reads a menu file (YAML, or JSON which is YAML too), reports duplicate keys that a plain
// parser would silently drop (`1:` twice means one option vanishes), then validates.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve, join } from 'node:path';
import { parseDocument, isMap, isScalar, isSeq, type Node as YamlNode } from 'yaml';
import { MenuInvalidError, type MenuIssue } from './errors.ts';
import type { Menu } from './menu-schema.ts';
import { validateMenu, type MenuReach } from './menu-validate.ts';
import { PACKAGE_ROOT } from '../paths.ts';

export const DEFAULT_MENU_FILE = join(PACKAGE_ROOT, 'ivr/menus/operator.yaml');

export interface LoadedMenu {
  menu: Menu;
  file: string;
  /** Directory recorded prompt files are resolved against. */
  baseDir: string;
}

/** Parse + validate text; `issues` is empty exactly when `menu` is set. */
export function checkMenuText(text: string, reach: MenuReach, baseDir?: string): { menu?: Menu; issues: MenuIssue[] } {
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false });
  const issues: MenuIssue[] = doc.errors.map((e) => ({
    node: '',
    path: `line ${e.linePos?.[0]?.line ?? '?'}`,
    code: 'HL_IVR_SYNTAX' as const,
    message: e.message.split('\n')[0]!,
  }));
  if (issues.length) return { issues };
  findDuplicateKeys(doc.contents as YamlNode | null, '', issues);
  if (issues.length) return { issues };
  return validateMenu(doc.toJS(), {
    reach,
    fileExists: baseDir ? (rel) => existsSync(join(baseDir, rel)) : undefined,
  });
}

function findDuplicateKeys(node: YamlNode | null, path: string, issues: MenuIssue[]): void {
  if (isMap(node)) {
    const seen = new Set<string>();
    for (const pair of node.items) {
      const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
      const p = `${path}/${key}`;
      if (seen.has(key)) {
        const owner = /^\/nodes\/([^/]+)/.exec(p)?.[1] ?? '';
        issues.push({ node: owner, path: p, code: 'HL_IVR_DUPLICATE_KEY', message: `key "${key}" appears more than once` });
      }
      seen.add(key);
      findDuplicateKeys(pair.value as YamlNode | null, p, issues);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => findDuplicateKeys(item as YamlNode | null, `${path}/${i}`, issues));
  }
}

/** Load for start-up: throws MenuInvalidError naming every node/path at fault. */
export function loadMenuFile(file: string, reach: MenuReach): LoadedMenu {
  const path = resolve(file || DEFAULT_MENU_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new MenuInvalidError(path, [{ node: '', path: '', code: 'HL_IVR_SYNTAX', message: (err as Error).message }]);
  }
  const baseDir = dirname(path);
  const { menu, issues } = checkMenuText(text, reach, baseDir);
  if (!menu) throw new MenuInvalidError(path, issues);
  return { menu, file: path, baseDir };
}
