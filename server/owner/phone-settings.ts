// The owner's ring rules, kept in <dataDir>/phones.json (0600) so they survive a restart. A file
// written by hand or left from another configuration is read through the same validation as the
// API: rules for endpoints that are no longer the owner's are dropped (and said so), missing
// ones ring always, an unreadable file means "ring everything" plus an error line, never a crash.
import { readFileSync } from 'node:fs';
import { writePrivateJson } from '../store/private-files.ts';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { RingRulesSchema, completeRules, validateRules, type RingRule } from './ring-set.ts';

export interface SettingsLog {
  warn: (o: object, m: string) => void;
  error: (o: object, m: string) => void;
}

export function phoneSettingsPath(dataDir: string): string {
  return join(dataDir, 'phones.json');
}

export class PhoneSettings {
  private current: RingRule[];

  constructor(private readonly file: string, readonly owned: readonly string[], log?: SettingsLog) {
    this.current = completeRules(this.load(log), owned);
  }

  rules(): RingRule[] {
    return structuredClone(this.current);
  }

  /** Validated (throws RingRuleError), completed, then written whole and renamed into place. */
  save(rules: RingRule[]): RingRule[] {
    validateRules(rules, this.owned);
    this.current = completeRules(rules, this.owned);
    writePrivateJson(this.file, { rules: this.current });
    return this.rules();
  }

  private load(log?: SettingsLog): RingRule[] {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      log?.error({ file: this.file, err: (err as Error).message }, 'phone ring rules unreadable: every phone rings until they are saved again');
      return [];
    }
    const rules = (raw as { rules?: unknown })?.rules;
    if (!Value.Check(RingRulesSchema, rules)) {
      log?.error({ file: this.file }, 'phone ring rules do not match their schema: every phone rings until they are saved again');
      return [];
    }
    const kept = rules.filter((r) => this.owned.includes(r.extension));
    if (kept.length < rules.length) {
      log?.warn({ dropped: rules.filter((r) => !kept.includes(r)).map((r) => r.extension), owned: this.owned }, 'ring rules for endpoints that are no longer the owner\'s phones dropped');
    }
    try {
      validateRules(kept, this.owned);
    } catch (err) {
      log?.error({ file: this.file, err: (err as Error).message }, 'phone ring rules invalid: every phone rings until they are saved again');
      return [];
    }
    return kept;
  }
}
