// A home with a real SIP phone: the certificates the phones' TLS listener presents (made fresh per
// run with openssl, never committed), and the phone's password as the generator wrote it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A CA and a server certificate for `ip`, made fresh for this run (never committed). */
export function makeCertificates(dir: string, ip: string) {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=homeline test CA', '-keyout', 'ca.key', '-out', 'ca.crt');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${ip}`, '-keyout', 'pbx.key', '-out', 'pbx.csr');
  execFileSync('sh', ['-c', `printf 'subjectAltName=IP:${ip}\\nextendedKeyUsage=serverAuth\\n' > ext.cnf`], { cwd: dir });
  ssl('x509', '-req', '-in', 'pbx.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', 'ext.cnf', '-out', 'pbx.crt');
  return { ca: join(dir, 'ca.crt'), cert: join(dir, 'pbx.crt'), key: join(dir, 'pbx.key') };
}

/** The phone's password as the generator wrote it (pjsip_phone_secrets.conf, section `<ext>-auth`). */
export function phonePassword(confDir: string, extension: string): string {
  const text = readFileSync(join(confDir, 'pjsip_phone_secrets.conf'), 'utf8');
  const section = text.split(/^\[/m).find((s) => s.startsWith(`${extension}-auth]`));
  const pw = section?.match(/^password=(.+)$/m)?.[1];
  if (!pw) throw new Error(`no password for ${extension} in the generated secrets file`);
  return pw;
}
