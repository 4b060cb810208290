// The loader's only HTTP: the edge's status and the menu, both plain GETs. Kept inside the
// loader (not web/shared/api.ts, which the owner console also uses) so the loader stays one file
// with no shared chunk to fetch before the button can show. The POSTs (connect token, message)
// are made by the lazily loaded softphone and message form, through web/shared/api.ts.
import type { EdgeStatus } from '../shared/api.ts';
import type { VisitorMenu } from '../ivr/menu-model.ts';

/** A refusal as the lazily loaded parts report it (the shape of web/shared/api.ts's EdgeError). */
export interface EdgeFailure {
  status: number;
  code: string;
  message: string;
  retryAfterSeconds?: number;
}

/** The edge's base URL: the `edge` attribute, else wherever this module was loaded from. */
export function edgeBase(attr: string | null, moduleUrl: string): string {
  return new URL(attr ? attr.replace(/\/?$/, '/') : './', attr ? undefined : moduleUrl).href;
}

/** Rejects with the edge's error body (`{ code, message }`) on a refusal, and on no answer at all. */
async function get<T>(base: string, path: string, cache?: RequestCache): Promise<T> {
  const res = await fetch(new URL(path, base), { cache });
  const json = await res.json();
  if (!res.ok) throw json as { code?: string };
  return json;
}

/**
 * The edge lets the browser keep the answer a few seconds (Cache-Control max-age): the re-checks
 * while a page is open may take it from there (`default`); a decision (first draw, after a call,
 * the menu's ring step) revalidates (`no-cache`).
 */
export const getStatus = (base: string, cache: RequestCache = 'no-cache') => get<EdgeStatus>(base, 'api/status', cache);
export const getMenu = (base: string) => get<VisitorMenu>(base, 'api/ivr/menu');
