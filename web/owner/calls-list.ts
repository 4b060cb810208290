// Recent calls, as the edge keeps them: rendering and grouping only; fetching is in main.ts.
import { formatDuration, h } from '../shared/dom.ts';
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
  /** Path of the page the visitor called from. */
  page?: string | null;
  /** Why the edge refused the call (outcome 'refused'): 'dnd', 'hours', 'busy'… */
  reason?: string | null;
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

/**
 * Where a row stands, live: ringing → in-call → answered, or ringing → declined / missed / busy /
 * failed…, or refused (never rang: do-not-disturb, hours, busy lines). From the edge's outcome
 * (server/relay/calls.ts CallOutcome); a caller who gave up while it rang ('cancelled') and a
 * call nobody answered ('no-answer') are both missed calls to the owner.
 */
export function callState(c: CallRecord): string {
  if (!c.endedAt) return c.answeredAt ? 'in-call' : 'ringing';
  if (c.answeredAt) return 'answered';
  switch (c.outcome) {
    case 'refused': case 'declined': case 'busy': case 'dropped': case 'capped': case 'failed': return c.outcome;
    case 'answered': return 'answered';
    default: return 'missed';
  }
}

export function stateWords(c: CallRecord): string {
  const state = callState(c);
  if (state === 'refused') return S.refused[c.reason ?? 'other'] ?? S.refused.other;
  return S.outcome(c.outcome, !!c.answeredAt, !!c.endedAt);
}

/** A caller by the name they typed, else "Website visitor"; and the page they called from. */
export function callerLabel(c: Pick<CallRecord, 'name' | 'page'>): { who: string; from?: string } {
  return { who: c.name?.trim() || S.visitor, from: c.page ? S.fromPage(c.page) : undefined };
}

/** `action`: a last cell per row, e.g. the Block button (web/owner/blocks-panel.ts). */
export function callsTable(calls: CallRecord[], action?: (c: CallRow) => Node | string): HTMLElement {
  const headers = [S.col.time, S.col.who, S.col.duration, S.col.outcome, S.col.message];
  return table(action ? [...headers, ''] : headers, groupRepeats(calls).map((c) => {
    const answered = !!c.answeredAt;
    const dur = answered && c.endedAt ? formatDuration(new Date(c.endedAt).getTime() - new Date(c.answeredAt!).getTime()) : '';
    const words = stateWords(c);
    const { who, from } = callerLabel(c);
    const whoCell = h('span', {}, who, from ? h('small', { className: 'from' }, from) : null);
    return {
      cells: [when(c.startedAt), whoCell, dur, c.attempts > 1 ? S.attempts(words, c.attempts) : words, c.message || '', ...(action ? [action(c)] : [])],
      attrs: { 'data-call': c.id, 'data-state': callState(c) },
    };
  }));
}
