// Recent calls, as the edge keeps them: rendering and grouping only; fetching is in main.ts.
import { formatDuration } from '../shared/dom.ts';
import { ownerStrings as S } from './strings.ts';
import { table, when } from './table.ts';

export interface CallRecord {
  id: string;
  startedAt: string | number;
  visitor?: string;
  /** Same value for calls from the same address (a keyed hash; never the address). */
  caller?: string | null;
  name?: string | null;
  message?: string | null;
  target?: string;
  answeredAt?: string | number | null;
  endedAt?: string | number | null;
  outcome?: string | null;
}

/** Repeats closer together than this from one caller are one row. */
export const REPEAT_WINDOW_MS = 10 * 60_000;

export type CallRow = CallRecord & { attempts: number };

/**
 * Repeated unanswered attempts from one caller (same address, or same visitor id) in a row, each
 * within REPEAT_WINDOW_MS of the next, are shown as one row, the newest, with their count:
 * someone who rang five times is one line saying "5 attempts", not five. Answered calls and
 * calls still ringing stay rows of their own. `calls` is newest first, as the edge lists them.
 */
export function groupRepeats(calls: CallRecord[]): CallRow[] {
  const groups: { row: CallRow; oldest: CallRecord }[] = [];
  const ms = (t: string | number) => new Date(t).getTime();
  const repeat = (a: CallRecord, b: CallRecord) => !a.answeredAt && !b.answeredAt && !!a.endedAt && !!b.endedAt
    && ((!!a.caller && a.caller === b.caller) || (!!a.visitor && a.visitor === b.visitor))
    && (a.name ?? '') === (b.name ?? '') && ms(a.startedAt) - ms(b.startedAt) <= REPEAT_WINDOW_MS;
  for (const c of calls) {
    const last = groups.at(-1);
    if (last && repeat(last.oldest, c)) {
      last.row.attempts++;
      last.oldest = c;
    } else {
      groups.push({ row: { ...c, attempts: 1 }, oldest: c });
    }
  }
  return groups.map((g) => g.row);
}

/** `action`: a last cell per row, e.g. the Block button (web/owner/blocks-panel.ts). */
export function callsTable(calls: CallRecord[], action?: (c: CallRow) => Node | string): HTMLElement {
  const headers = [S.col.time, S.col.who, S.col.duration, S.col.outcome, S.col.message];
  return table(action ? [...headers, ''] : headers, groupRepeats(calls).map((c) => {
    const answered = !!c.answeredAt;
    const dur = answered && c.endedAt ? formatDuration(new Date(c.endedAt).getTime() - new Date(c.answeredAt!).getTime()) : '';
    const outcome = S.outcome(c.outcome, answered, Boolean(c.endedAt));
    const cells = [when(c.startedAt), c.name || c.visitor || '', dur, c.attempts > 1 ? S.attempts(outcome, c.attempts) : outcome, c.message || ''];
    return action ? [...cells, action(c)] : cells;
  }));
}
