// Errors of the Asterisk generator, each with a stable code the CLI prints and tests match on.
export type AsteriskErrorCode =
  | 'HL_ASTERISK_SITE'
  | 'HL_ASTERISK_MISMATCH'
  | 'HL_ASTERISK_UNSUPPORTED'
  | 'HL_ASTERISK_UNSAFE_VALUE'
  | 'HL_ASTERISK_INVARIANT'
  | 'HL_ASTERISK_CACHEDIR';

export class AsteriskConfigError extends Error {
  constructor(readonly code: AsteriskErrorCode, message: string) {
    super(message);
  }
}
