// A home with a real SIP phone: the certificates the phones' TLS listener presents (made fresh per
// run with openssl, never committed), the phone's password as the generator wrote it, and the
// whole home with baresip registered as the phone (phone.spec.ts, phones-ring.spec.ts).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NAMESPACE_ADDRESS, startHome, type Home } from './asterisk-home.ts';
import { startPhone, type Phone } from './baresip.ts';
import { freePort } from './edge.ts';

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

export interface PhoneHome {
  home: Home;
  /** baresip registered as 6001 over the home's TLS transport. */
  phone: Phone;
  /** The phones' TLS listener and the CA the phone trusts (to check what it presents). */
  tlsPort: number;
  caFile: string;
  /** baresip's registration line: [1] is the transport it went over. */
  registered: RegExpMatchArray;
  stop(): Promise<void>;
}

/**
 * The owner's home with one real phone: Asterisk (phones' TLS listener with fresh certificates,
 * 6001 "iPhone" in the owner's ring group) and baresip registered as 6001 with the generated
 * password and SDES-SRTP. `env` adds to the edge's environment.
 */
export async function startPhoneHome(opts: { name: string; toneHz: number; env?: Record<string, string> }): Promise<PhoneHome> {
  const root = mkdtempSync(join(tmpdir(), `hl-${opts.name}-`));
  const certs = makeCertificates(root, NAMESPACE_ADDRESS);
  const tlsPort = await freePort();
  const home = await startHome({
    site: {
      phones: [{ extension: '6001', name: 'iPhone' }],
      tls: { bind: `${NAMESPACE_ADDRESS}:${tlsPort}`, certFile: certs.cert, privKeyFile: certs.key, caListFile: certs.ca },
    },
    // The owner's ring group is the tab and this one phone.
    env: { HOMELINE__owner__phones: '6001', ...opts.env },
  });
  const phone = await startPhone({
    dir: join(root, 'phone'),
    aor: `sip:6001@${NAMESPACE_ADDRESS}:${tlsPort};transport=tls`,
    password: phonePassword(home.confDir, '6001'),
    caFile: certs.ca,
    mediaenc: 'srtp-mand',
    toneHz: opts.toneHz,
    ctrlPort: await freePort(),
    listen: `${NAMESPACE_ADDRESS}:0`,
  });
  // baresip prints the transport its registration went over.
  const registered = await phone.line(/6001@\S+: \{\d+\/(\w+)\/v4\} 200 OK/);
  return {
    home, phone, tlsPort, caFile: certs.ca, registered,
    async stop() {
      await phone.stop();
      await home.stop();
      if (!process.env.HOMELINE_TEST_KEEP) rmSync(root, { recursive: true, force: true });
    },
  };
}
