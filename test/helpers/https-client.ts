// One HTTPS request with the things fetch() cannot do: trust a test CA, leave from a chosen
// loopback address (127.0.0.2, 127.0.0.3… are distinct clients to nginx and the edge), and
// report the certificate the server presented.
import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';

export interface HttpsOptions {
  ca: string;
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  localAddress?: string;
}

export interface HttpsAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  fingerprint256: string;
}

export function httpsRequest(url: string, opts: HttpsOptions): Promise<HttpsAnswer> {
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: opts.method ?? (payload ? 'POST' : 'GET'),
      ca: opts.ca,
      agent: false,
      localAddress: opts.localAddress,
      headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...opts.headers },
    }, (res) => {
      const fingerprint256 = (res.socket as TLSSocket).getPeerX509Certificate()?.fingerprint256 ?? '';
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let body: unknown = text;
        try { body = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode!, headers: res.headers, body, fingerprint256 });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}
