// One answer to "can a visitor ring the owner now, and if not, why": the owner's own switch
// (do-not-disturb) and the opening hours, combined. Pure; the edge feeds it the switch, the
// schedule and the clock. The switch wins over the hours: "back at 9:00" would be a promise the
// owner did not make while DND is on.
import type { Hours } from './hours.ts';
import { isOpen, nextOpening } from './hours.ts';
import type { SipCodeName } from '../../contract/codes.ts';

export type AvailabilityReason = 'available' | 'dnd' | 'hours';

export interface Availability {
  available: boolean;
  reason: AvailabilityReason;
  /** reason 'hours': when the hours next open (ISO instant); null if they never do. */
  opensAt?: string | null;
}

export function ownerAvailability(input: { switchedOn: boolean; hours: Hours | null; at: number }): Availability {
  return availabilityFrom(input.switchedOn, isOpen(input.hours, input.at), () => nextOpening(input.hours, input.at));
}

/** The same answer from an open/closed already known (the edge's per-minute HoursStore). */
export function availabilityFrom(switchedOn: boolean, open: boolean, opensAt: () => Date | null): Availability {
  if (!switchedOn) return { available: false, reason: 'dnd' };
  if (!open) return { available: false, reason: 'hours', opensAt: opensAt()?.toISOString() ?? null };
  return { available: true, reason: 'available' };
}

export type PauseCode = Extract<SipCodeName, 'HL_OWNER_DND' | 'HL_OWNER_HOURS'>;

/**
 * The SIP refusal a visitor's call to the owner gets now, if any: the same order as
 * ownerAvailability, without working out the next opening (this is asked per SIP request).
 */
export function pauseCode(switchedOn: boolean, open: () => boolean): PauseCode | undefined {
  return !switchedOn ? 'HL_OWNER_DND' : !open() ? 'HL_OWNER_HOURS' : undefined;
}
