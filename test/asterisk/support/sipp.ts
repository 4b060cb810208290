// SIPp (Debian's sip-tester) as the two outside parties of the toll-fraud test: the PSTN provider
// behind the owner's trunk (a UAS that logs every message and answers each INVITE 486, so no
// media and no dialog outlive the call) and a home phone (a UAC with digest auth that dials one
// number). The scenarios are written at run time next to the logs they produce.
// Debian's SIPp is built without OpenSSL ("To use a TLS transport you must compile SIPp with
// OpenSSL"), so both talk UDP on loopback.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const SIPP = process.env.HOMELINE_TEST_SIPP || 'sipp';

const PROVIDER_XML = `<?xml version="1.0" encoding="UTF-8"?>
<scenario name="homeline provider: refuse every call as busy">
  <recv request="INVITE" crlf="true"/>
  <send><![CDATA[
SIP/2.0 486 Busy Here
[last_Via:]
[last_From:]
[last_To:];tag=[pid]prov[call_number]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]></send>
  <recv request="ACK"/>
</scenario>
`;

/** Final answers a phone's call may get; the test reads which one from the message log. */
const FINALS = [403, 404, 480, 486, 488, 500, 503, 603];

// The phones' endpoints require SDES-SRTP (media_encryption=sdes): an offer without a crypto line gets 488.
const SRTP_KEY = Buffer.alloc(30, 7).toString('base64');

/** The phone's INVITE: first without credentials, then again answering the 401 (`[authentication]` uses -au/-ap). */
const invite = (cseq: number, auth: boolean) => `  <send retrans="500"><![CDATA[
INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:[field0]@[remote_ip]>;tag=[pid]phone[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: ${cseq} INVITE
Contact: <sip:[field0]@[local_ip]:[local_port]>
${auth ? '[authentication]\n' : ''}Max-Forwards: 70
Content-Type: application/sdp
Content-Length: [len]

v=0
o=- 1 1 IN IP[local_ip_type] [local_ip]
s=-
c=IN IP[media_ip_type] [media_ip]
t=0 0
m=audio [media_port] RTP/SAVP 8
a=rtpmap:8 PCMA/8000
a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${SRTP_KEY}
]]></send>
`;

/** ACK of a non-2xx answer (the 401, then the final refusal): the INVITE's Via, the answer's To. */
const ack = (cseq: number) => `  <send><![CDATA[
ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
[last_Via:]
From: <sip:[field0]@[remote_ip]>;tag=[pid]phone[call_number]
[last_To:]
Call-ID: [call_id]
CSeq: ${cseq} ACK
Max-Forwards: 70
Content-Length: 0

]]></send>
`;

const PHONE_XML = `<?xml version="1.0" encoding="UTF-8"?>
<scenario name="homeline phone: dial [service] with digest auth">
${invite(1, false)}  <recv response="100" optional="true"/>
  <recv response="401" auth="true"/>
${ack(1)}${invite(2, true)}  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
${FINALS.map((c, i) => `  <recv response="${c}"${i < FINALS.length - 1 ? ' optional="true"' : ''} next="ack"/>`).join('\n')}
  <label id="ack"/>
${ack(2)}</scenario>
`;

/** The SIP requests in a SIPp `-message_file` (each message follows a "… message received/sent" line). */
export function loggedMessages(file: string): string[] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  return text.split(/^-{5,}.*$/m).map((chunk) => chunk.replace(/^[\s\S]*?(?:message (?:received|sent)[^\n]*\n)/, '').trim()).filter(Boolean);
}

export interface SippProvider {
  port: number;
  log: string;
  /** Request-URIs of every INVITE the provider received, in order. */
  invites(): string[];
  stop(): Promise<void>;
}

/** The provider: a SIPp UAS on 127.0.0.1:`port` (UDP) that answers every INVITE 486 and logs all. */
export async function startProvider(dir: string, port: number): Promise<SippProvider> {
  const scenario = join(dir, 'provider.xml');
  const log = join(dir, 'provider-messages.log');
  writeFileSync(scenario, PROVIDER_XML);
  writeFileSync(log, '');
  const child = spawn(SIPP, ['-sf', scenario, '-i', '127.0.0.1', '-p', String(port), '-t', 'u1', '-trace_msg', '-message_file', log, '-nostdin', '-aa'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  // Ready when SIPp holds its port.
  while (!portTaken(port)) {
    if (child.exitCode !== null) throw new Error(`SIPp provider exited ${child.exitCode}: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port, log,
    invites: () => loggedMessages(log).filter((m) => m.startsWith('INVITE ')).map((m) => m.split('\r\n')[0].split(/\r?\n/)[0].split(' ')[1]),
    stop: () => stopChild(child),
  };
}

/** Is a UDP socket bound to 127.0.0.1:`port`? Read from /proc, so probing never races SIPp's own bind. */
function portTaken(port: number): boolean {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return readFileSync('/proc/net/udp', 'utf8').split('\n').some((line) => line.trim().split(/\s+/)[1] === local);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export interface PhoneCall {
  /** The final status the phone got for its authenticated INVITE (0 when none came). */
  status: number;
  log: string;
}

/** A home phone (`user`, digest password) dials `number` once through Asterisk's UDP transport. */
export async function phoneDials(dir: string, opts: { asterisk: string; user: string; password: string; number: string; localPort: number }): Promise<PhoneCall> {
  const scenario = join(dir, 'phone.xml');
  writeFileSync(scenario, PHONE_XML);
  const inf = join(dir, `phone-${opts.user}.csv`);
  writeFileSync(inf, `SEQUENTIAL\n${opts.user};\n`);
  const log = join(dir, `phone-${opts.number.replace(/[^0-9A-Za-z]/g, '_')}.log`);
  const args = [opts.asterisk, '-sf', scenario, '-inf', inf, '-s', opts.number, '-au', opts.user, '-ap', opts.password,
    '-i', '127.0.0.1', '-p', String(opts.localPort), '-t', 'u1', '-m', '1', '-timeout', '20s', '-timeout_error',
    '-trace_msg', '-message_file', log, '-nostdin'];
  const child = spawn(SIPP, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  await new Promise((r) => child.once('exit', r));
  const answers = loggedMessages(log).filter((m) => /^SIP\/2\.0 \d{3}/.test(m) && /CSeq:\s*2 INVITE/i.test(m));
  const final = answers.map((m) => Number(m.slice(8, 11))).find((s) => s >= 200) ?? 0;
  if (!final && stderr) throw new Error(`SIPp phone ${opts.user} → ${opts.number}: ${stderr}`);
  return { status: final, log };
}
