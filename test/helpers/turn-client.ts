// The few TURN (RFC 8656) requests a test needs, over UDP: Allocate with the long-term credential
// mechanism (401 → realm + nonce → signed retry), then CreatePermission for a peer. Enough to ask
// a real coturn whether it accepts a credential and whether it will relay to an address.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { isIPv4 } from 'node:net';

const MAGIC = 0x2112a442;
const ATTR = { username: 0x0006, integrity: 0x0008, errorCode: 0x0009, realm: 0x0014, nonce: 0x0015, xorPeer: 0x0012, transport: 0x0019 } as const;

export interface StunAnswer {
  /** 'success' or the error code (401, 403, 438…). */
  outcome: 'success' | number;
  reason?: string;
  attrs: Map<number, Buffer>;
}

function encode(type: number, attrs: Array<[number, Buffer]>, integrityKey?: Buffer): Buffer {
  const body: Buffer[] = [];
  for (const [t, v] of attrs) {
    const head = Buffer.alloc(4);
    head.writeUInt16BE(t, 0);
    head.writeUInt16BE(v.length, 2);
    body.push(head, v, Buffer.alloc((4 - (v.length % 4)) % 4));
  }
  let payload = Buffer.concat(body);
  const header = Buffer.alloc(20);
  header.writeUInt16BE(type, 0);
  header.writeUInt32BE(MAGIC, 4);
  randomBytes(12).copy(header, 8);
  if (!integrityKey) {
    header.writeUInt16BE(payload.length, 2);
    return Buffer.concat([header, payload]);
  }
  // MESSAGE-INTEGRITY covers the message with a length that already counts the attribute itself.
  header.writeUInt16BE(payload.length + 24, 2);
  const mac = createHmac('sha1', integrityKey).update(Buffer.concat([header, payload])).digest();
  const mi = Buffer.alloc(4);
  mi.writeUInt16BE(ATTR.integrity, 0);
  mi.writeUInt16BE(20, 2);
  payload = Buffer.concat([payload, mi, mac]);
  return Buffer.concat([header, payload]);
}

function decode(msg: Buffer): StunAnswer {
  const type = msg.readUInt16BE(0);
  const attrs = new Map<number, Buffer>();
  for (let i = 20; i + 4 <= msg.length;) {
    const t = msg.readUInt16BE(i), len = msg.readUInt16BE(i + 2);
    attrs.set(t, msg.subarray(i + 4, i + 4 + len));
    i += 4 + len + ((4 - (len % 4)) % 4);
  }
  const isError = (type & 0x0110) === 0x0110;
  if (!isError) return { outcome: 'success', attrs };
  const err = attrs.get(ATTR.errorCode)!;
  return { outcome: (err[2] & 0x7) * 100 + err[3], reason: err.subarray(4).toString('utf8'), attrs };
}

function xorPeer(ip: string, port: number): Buffer {
  if (!isIPv4(ip)) throw new Error('IPv4 peers only');
  const v = Buffer.alloc(8);
  v.writeUInt8(0x01, 1);
  v.writeUInt16BE(port ^ (MAGIC >>> 16), 2);
  const a = ip.split('.').reduce((n, o) => (n << 8) | Number(o), 0) >>> 0;
  v.writeUInt32BE((a ^ MAGIC) >>> 0, 4);
  return v;
}

export class TurnClient {
  private readonly sock: Socket;
  private key?: Buffer;
  private realm?: Buffer;
  private nonce?: Buffer;

  constructor(private readonly host: string, private readonly port: number, private readonly username: string, private readonly password: string) {
    this.sock = createSocket('udp4');
  }

  /** One request, retransmitted every 500 ms until an answer (UDP may drop); no overall timeout. */
  private request(type: number, attrs: Array<[number, Buffer]>, signed: boolean): Promise<StunAnswer> {
    const auth: Array<[number, Buffer]> = signed ? [[ATTR.username, Buffer.from(this.username)], [ATTR.realm, this.realm!], [ATTR.nonce, this.nonce!]] : [];
    const msg = encode(type, [...attrs, ...auth], signed ? this.key : undefined);
    const id = msg.subarray(8, 20);
    return new Promise((resolve) => {
      const send = () => this.sock.send(msg, this.port, this.host);
      const timer = setInterval(send, 500);
      const onMessage = (m: Buffer) => {
        if (m.length < 20 || !m.subarray(8, 20).equals(id)) return;
        clearInterval(timer);
        this.sock.off('message', onMessage);
        resolve(decode(m));
      };
      this.sock.on('message', onMessage);
      send();
    });
  }

  /** Allocate a UDP relay: first unsigned (the server names realm and nonce), then signed. */
  async allocate(): Promise<StunAnswer> {
    const transport: [number, Buffer] = [ATTR.transport, Buffer.from([17, 0, 0, 0])];
    const first = await this.request(0x0003, [transport], false);
    if (first.outcome !== 401) return first;
    this.realm = first.attrs.get(ATTR.realm)!;
    this.nonce = first.attrs.get(ATTR.nonce)!;
    this.key = createHash('md5').update(`${this.username}:${this.realm.toString()}:${this.password}`).digest();
    return this.request(0x0003, [transport], true);
  }

  /** After a successful allocate: may the relay send to this peer? */
  createPermission(peerIp: string): Promise<StunAnswer> {
    return this.request(0x0008, [[ATTR.xorPeer, xorPeer(peerIp, 9)]], true);
  }

  close(): void {
    this.sock.close();
  }
}
