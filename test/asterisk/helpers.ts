// Shared set-up for the Asterisk tests: a config, fixed secrets, the generated texts.
import { validateConfig } from '../../server/config/load.ts';
import { validateSite, type Site } from '../../server/asterisk/site.ts';
import { generate, renderPhoneSecrets, PHONE_SECRETS_FILE } from '../../server/asterisk/generate.ts';
import { parseConfSet, checkAll, type Expectations, type Violation } from '../../server/asterisk/checks.ts';

export const SECRETS = { edgeSecret: 'Edge-secret_for-tests-0123456789ab', ariPassword: 'ari-password-for-tests-42' };

export interface Fixture {
  texts: Record<string, string>;
  expected: Expectations;
}

export function fixture(config: Record<string, unknown> = {}, siteRaw: Partial<Site> = {}): Fixture {
  const cfg = validateConfig(config);
  const site = validateSite(siteRaw);
  const { plan, files } = generate(cfg, SECRETS, site);
  let n = 0;
  const texts = { ...files, [PHONE_SECRETS_FILE]: renderPhoneSecrets(plan, () => `phone-password-${String(++n).padStart(4, '0')}`) };
  return { texts, expected: { config: cfg, secrets: SECRETS, site } };
}

export function violations(f: Fixture): Violation[] {
  return checkAll(parseConfSet(f.texts), f.expected);
}

/** A copy of the fixture with one file's text changed; fails loudly if the edit did not apply. */
export function mutate(f: Fixture, file: string, edit: (text: string) => string): Fixture {
  const before = f.texts[file] ?? '';
  const after = edit(before);
  if (after === before) throw new Error(`mutation of ${file} changed nothing`);
  return { texts: { ...f.texts, [file]: after }, expected: f.expected };
}

export function codes(vs: Violation[]): string[] {
  return [...new Set(vs.map((v) => v.code))].sort();
}
