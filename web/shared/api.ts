// The edge's HTTP contract (docs/edge-api.md) as the browser sees it. One place for the shapes
// and for turning an error answer into something the UI can explain.

export interface TargetInfo {
  user: string;
  uri: string;
  label: string;
  kind: 'owner' | 'ivr' | 'extension';
}

export interface ConnectInfo {
  token: string;
  wsUrl: string;
  expiresAt: number | string;
  sip: { uri: string; domain: string; displayName: string };
  targets: TargetInfo[];
  iceServers: RTCIceServer[];
  iceGatheringTimeoutMs: number;
  sessionSeconds: number;
  callSeconds: number;
}

export type OwnerReason = 'available' | 'offline' | 'dnd' | 'hours';

export interface EdgeStatus {
  /** name: absent when owner.name is unset (the strings word it per language). opensAt: with reason 'hours', when they open again (ISO instant); null if never. */
  owner: { name?: string; reachable: boolean; reason: OwnerReason | string; opensAt?: string | null };
  targets: Array<{ user: string; label: string; kind: string }>;
  upstream: 'embedded' | 'asterisk';
  /** Voice messages: the longest the widget may record; null when the edge has them off. */
  voice?: { maxSeconds: number } | null;
}

/** An error answer from the edge: `{ statusCode, code, error, message }`, 429 adds retryAfterSeconds. */
export class EdgeError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** Network failure (no answer at all) is status 0, code HL_NETWORK. */
export async function edgeFetch<T>(base: string, path: string, init: RequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(new URL(path, base), {
      ...init,
      headers: init.body ? { 'content-type': 'application/json', ...init.headers } : init.headers,
    });
  } catch (e) {
    throw new EdgeError(0, 'HL_NETWORK', (e as Error).message);
  }
  if (res.status === 204) return undefined as T;
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    const header = Number(res.headers.get('retry-after'));
    const retry = typeof body.retryAfterSeconds === 'number' ? body.retryAfterSeconds : Number.isFinite(header) && header > 0 ? header : undefined;
    throw new EdgeError(res.status, body.code ?? `HL_HTTP_${res.status}`, body.message ?? res.statusText, retry);
  }
  return body as T;
}

export const postJson = <T>(base: string, path: string, body: unknown, init: RequestInit = {}) =>
  edgeFetch<T>(base, path, { ...init, method: 'POST', body: JSON.stringify(body) });

/** The token is single-use; the URL carries it as `?token=` (the WebSocket API has no headers). */
export function socketUrl(info: ConnectInfo): string {
  const url = new URL(info.wsUrl);
  if (!url.searchParams.has('token')) url.searchParams.set('token', info.token);
  return url.href;
}
