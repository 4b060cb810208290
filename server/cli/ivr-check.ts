// `npm run ivr:check [FILE]`: validates a menu tree against the schema and the reach the
// current config allows (loadConfig: homeline.config.json + environment). Prints one line per
// issue naming the node and path; exits 1 on any issue, 2 when the file cannot be read.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadConfig } from '../config/load.ts';
import { formatIssue } from '../ivr/errors.ts';
import { checkMenuText, DEFAULT_MENU_FILE } from '../ivr/menu-load.ts';
import { reachFromConfig } from '../ivr/menu-validate.ts';

const arg = process.argv[2];
if (arg === '-h' || arg === '--help') {
  console.log('usage: npm run ivr:check [menu.yaml]   (default: config ivr.menuFile, else ivr/menus/operator.yaml)');
  process.exit(0);
}
const config = loadConfig();
const file = resolve(arg || config.ivr.menuFile || DEFAULT_MENU_FILE);
let text: string;
try {
  text = readFileSync(file, 'utf8');
} catch (err) {
  console.error(`${file}: ${(err as Error).message}`);
  process.exit(2);
}
const { menu, issues } = checkMenuText(text, reachFromConfig(config), dirname(file));
if (!menu) {
  for (const i of issues) console.error(`${file}: ${formatIssue(i)}`);
  console.error(`${issues.length} issue(s)`);
  process.exit(1);
}
console.log(`${file}: ok (role ${menu.role}, ${Object.keys(menu.nodes).length} nodes, start "${menu.start}")`);
