// What the owner has not seen yet: calls that ended unanswered (missed, declined, refused) and
// messages that arrived since the owner last looked at the console. Shown as a count in the
// document title and on the installed app's icon (navigator.setAppBadge, where there is one).
// "Looked at" is the tab being visible and focused; the moment is kept in localStorage so a
// reload does not bring old calls back as new.
import type { CallRecord } from './calls-list.ts';
import type { MessageRecord } from './messages-list.ts';

const ms = (t: string | number | null | undefined) => (t ? new Date(t).getTime() : 0);

export function unseenCount(calls: CallRecord[], messages: MessageRecord[], seenAt: number): number {
  const calls_ = calls.filter((c) => c.endedAt && !c.answeredAt && ms(c.endedAt) > seenAt).length;
  // A message the owner already marked done (web/owner/messages-list.ts) is seen.
  const messages_ = messages.filter((m) => !m.doneAt && ms(m.createdAt) > seenAt).length;
  return calls_ + messages_;
}
