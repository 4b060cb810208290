// Which refused INVITEs the owner's call log shows, and under what reason. Only refusals that
// say something about the owner's availability belong there: a visitor who rang while the
// owner was on do-not-disturb (or outside their hours, or while every line was taken) is a
// caller the owner may want to ring back. Protocol refusals (a forged From, a reused Call-ID…)
// are attacks or bugs: they stay in the edge's log only. A refused INVITE costs its sender
// nothing, so each row spends a call attempt (server/limits/call-attempts.ts) like a call that
// rings: past the budget the refusal still goes out, the row does not (issue 10 (5)).
// HL_OWNER_HOURS: the owner's hours (another change adds the code); listed here so it slots in.
const REASONS: Record<string, string> = {
  HL_OWNER_DND: 'dnd',
  HL_OWNER_HOURS: 'hours',
  HL_OWNER_OFFLINE: 'offline',
  HL_LINES_BUSY: 'busy',
  HL_UPSTREAM_BUSY: 'busy',
  // Not HL_TOO_MANY_ATTEMPTS: that refusal exists to keep a flood out of the owner's call log.
};

/** The call-log reason for a refusal code, or undefined when the refusal is not a call row. */
export function refusalReason(code: string): string | undefined {
  return Object.hasOwn(REASONS, code) ? REASONS[code] : undefined;
}
