// The page a visitor called from, for the owner's call log: "Website visitor, 14:02, /pricing".
// The widget sends its page's URL with the token request; without it the Referer may do (most
// browsers send only the origin across sites, which gives "/"). Either must be on an origin the
// edge serves or allows: anything else is somebody else's page and not ours to record. Only the
// path is kept (a query can hold a visitor's search or a session id), capped in length.
/** Path only (no query, no fragment), at most this long. */
export const PAGE_MAX = 120;

export type PageCheck = { path: string } | { bad: string } | undefined;

/**
 * `page`: the widget's explicit field (a bad one is an error the caller hears about);
 * `referer`: the browser's header (a bad one is ignored).
 */
export function pagePath(page: string | undefined, referer: string | undefined, allowed: (origin: string) => boolean): PageCheck {
  if (page !== undefined) {
    const path = onAllowedOrigin(page, allowed);
    return path === undefined ? { bad: page.slice(0, 60) } : { path };
  }
  const path = referer === undefined ? undefined : onAllowedOrigin(referer, allowed);
  return path === undefined ? undefined : { path };
}

function onAllowedOrigin(text: string, allowed: (origin: string) => boolean): string | undefined {
  let url: URL;
  try { url = new URL(text); } catch { return undefined; }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (!allowed(url.origin)) return undefined;
  return url.pathname.slice(0, PAGE_MAX);
}
