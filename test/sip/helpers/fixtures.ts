// Fixtures are stored with LF line ends so they read well in a diff; SIP wants CRLF.
import { readFileSync } from 'node:fs';

export function fixture(name: string): string {
  const raw = readFileSync(new URL(`../fixtures/${name}.sip`, import.meta.url), 'utf8');
  return raw.replaceAll('\r\n', '\n').replaceAll('\n', '\r\n');
}

/** Builds a CRLF message from lines; the body's Content-Length is computed unless given. */
export function sip(startAndHeaders: string[], body = ''): string {
  const hasLength = startAndHeaders.some((l) => /^(content-length|l)\s*:/i.test(l));
  const lines = hasLength ? startAndHeaders : [...startAndHeaders, `Content-Length: ${Buffer.byteLength(body)}`];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}
