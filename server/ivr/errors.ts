// The IVR's coded errors, declared once. Callers and tests match on `code`, never on wording.
// Its HTTP refusals are the edge's own (server/errors.ts HttpErrors), through the one handler.

/** One finding of the menu validator: where (node + JSON path) and what. */
export interface MenuIssue {
  /** Node id the issue belongs to, or '' for document-level issues. */
  node: string;
  /** Slash path inside the document, e.g. `/nodes/main/options/1/goto`. */
  path: string;
  code: MenuIssueCode;
  message: string;
}

export type MenuIssueCode =
  | 'HL_IVR_SYNTAX'
  | 'HL_IVR_SCHEMA'
  | 'HL_IVR_DUPLICATE_KEY'
  | 'HL_IVR_UNKNOWN_GOTO'
  | 'HL_IVR_UNREACHABLE'
  | 'HL_IVR_NO_WAY_OUT'
  | 'HL_IVR_TARGET_FORBIDDEN'
  | 'HL_IVR_RESERVED_KEY'
  | 'HL_IVR_ONE_ACTION'
  | 'HL_IVR_BAD_PATTERN'
  | 'HL_IVR_PROMPT_FILE';

export function formatIssue(i: MenuIssue): string {
  const where = i.node ? `node "${i.node}" at ${i.path}` : i.path || '(document)';
  return `${i.code} ${where}: ${i.message}`;
}

/** A menu that failed validation: start-up stops with every issue listed. */
export class MenuInvalidError extends Error {
  readonly code = 'HL_IVR_MENU_INVALID';
  constructor(
    readonly file: string,
    readonly issues: MenuIssue[],
  ) {
    super(`invalid IVR menu ${file}:\n${issues.map((i) => '  ' + formatIssue(i)).join('\n')}`);
  }
}

/** A REST request Asterisk refused; branch on `status` (a number), never on the message. */
export class AriError extends Error {
  readonly code: 'HL_ARI_REQUEST' | 'HL_ARI_AUTH' = 'HL_ARI_REQUEST';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    detail: string,
  ) {
    super(`ARI ${method} ${path} → ${status}: ${detail}`);
  }
}

/** Asterisk refused the ARI user or password (REST 401, or the events socket's upgrade 401). */
export class AriAuthError extends AriError {
  override readonly code = 'HL_ARI_AUTH';
}
