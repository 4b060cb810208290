// The visitor side's only HTTP: status, connect token, leave-a-message. Kept inside the loader
// (not web/shared/api.ts, which the owner console also uses) so the loader stays one file with
// no shared chunk to fetch before the button can show.
import type { ConnectInfo, EdgeStatus } from '../shared/api.ts';
import type { VisitorMenu } from '../ivr/menu-model.ts';

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

async function call<T>(base: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(new URL(path, base), body === undefined ? {} : {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
  } catch (e) {
    throw { status: 0, code: 'HL_NETWORK', message: String(e) } satisfies EdgeFailure;
  }
  const json = res.status === 204 ? {} : await res.json().catch(() => ({}));
  if (!res.ok) {
    const header = parseInt(res.headers.get('retry-after') ?? '', 10);
    throw {
      status: res.status,
      code: json.code ?? `HL_HTTP_${res.status}`,
      message: json.message ?? res.statusText,
      retryAfterSeconds: json.retryAfterSeconds ?? (header > 0 ? header : undefined),
    } satisfies EdgeFailure;
  }
  return json as T;
}

export const getStatus = (base: string) => call<EdgeStatus>(base, 'api/status');
export const getMenu = (base: string) => call<VisitorMenu>(base, 'api/ivr/menu');
/** The page the button is on, for the owner's call log ("Website visitor, from /pricing"): no query. */
const thisPage = () => (/^https?:$/.test(location.protocol) ? { page: location.origin + location.pathname } : {});
export const getToken = (base: string, target: string, name?: string) =>
  call<ConnectInfo>(base, 'api/visitor/token', { target, ...(name ? { name } : {}), ...thisPage() });
export const leaveMessage = (base: string, m: { name: string; number: string; message: string }) =>
  call<unknown>(base, 'api/ivr/message', m);
