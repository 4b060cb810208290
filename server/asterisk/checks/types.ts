// What every invariant check takes and gives back.
import type { ConfFile } from '../conf-parser.ts';
import type { Config } from '../../config/schema.ts';
import type { Site } from '../site.ts';
import type { AsteriskPlan } from '../plan.ts';

/** The parsed configuration directory: top-level files by name, #includes parsed in place. */
export type ConfSet = Map<string, ConfFile>;

export interface Violation {
  code: string;
  file: string;
  line?: number;
  message: string;
}

/** What the files must agree with: the edge's configuration, secrets and the owner's site options. */
export interface Expectations {
  config: Config;
  secrets: { edgeSecret: string; ariPassword: string };
  site: Site;
}

export type Check = (set: ConfSet, expected: AsteriskPlan) => Violation[];
