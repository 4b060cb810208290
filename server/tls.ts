// The edge's own TLS (config.tls), for owners without a reverse proxy: the certificate and key
// are read at start-up and again on SIGHUP, so a renewed certificate (certbot, acme.sh) takes
// effect without a restart and without dropping the calls in progress.
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { Config } from './config/schema.ts';
import { ConfigError } from './config/load.ts';

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

/** Reads and checks the pair; a ConfigError names the key and the fix, never the key's content. */
export function readTlsFiles(tls: Config['tls']): TlsFiles {
  const read = (key: 'certFile' | 'keyFile') => {
    try {
      return readFileSync(tls[key]);
    } catch (err) {
      throw new ConfigError(`tls.${key}: cannot read ${tls[key]} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); point it at a readable PEM file`);
    }
  };
  const files = { cert: read('certFile'), key: read('keyFile') };
  try {
    createSecureContext(files);
  } catch (err) {
    // OpenSSL's reason (e.g. "key values mismatch"); it never quotes the key material.
    throw new ConfigError(`tls.certFile/tls.keyFile: not a usable PEM certificate and matching key (${(err as Error).message}); check both files`);
  }
  return files;
}

/** One year, this host only: the owner's other subdomains are not ours to pin to HTTPS. */
export const HSTS = 'max-age=31536000';
