// Issue 10 (2) on a real Asterisk: a visitor re-using the Call-ID of its ended call for a new
// initial INVITE (new From tag) used to be relayed, answered and never counted (one visitor held
// 8 answered calls at once, cap 2). Now the edge refuses it before Asterisk sees it. A bare SIP
// UA (test/helpers/raw-ua.ts) speaks through the real edge on its `asterisk` upstream.
import { expect, test } from '@playwright/test';
import { startHome, type Home } from './support/asterisk-home.ts';
import { RawUa, rid } from '../helpers/raw-ua.ts';
import { header } from '../../server/sip/message.ts';

let home: Home | undefined;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  home = await startHome();
});

test.afterAll(async () => {
  await home?.stop();
});

async function visitor(): Promise<RawUa> {
  const url = home!.edge.url;
  const res = await fetch(`${url}/api/visitor/token`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ target: '100' }) });
  expect(res.status).toBe(200);
  const tok = (await res.json()) as { wsUrl: string; sip: { uri: string } };
  return RawUa.connect(tok.wsUrl, tok.sip.uri.slice(4).split('@')[0], 'home.arpa', { origin: url });
}

const channels = () => home!.asterisk.cli('core show channels count');

test('a new INVITE under an ended call\'s Call-ID never reaches Asterisk: 400 HL_CALL_ID_REUSED', async () => {
  const v = await visitor();
  try {
    // A first call to the operator menu; whatever Asterisk answers finally, the call is over.
    const inv = v.invite('100');
    const fin = await v.next((m) => m.kind === 'response' && m.status >= 200 && header(m, 'CSeq') === '1 INVITE', 20_000);
    const status = fin.msg.kind === 'response' ? fin.msg.status : 0;
    if (status >= 200 && status < 300) {
      const to = header(fin.msg, 'To')!;
      v.inDialog('ACK', { callId: header(inv, 'Call-ID')!, remoteTarget: 'sip:100@home.arpa', to, from: header(inv, 'From')!, cseq: 1 });
      v.inDialog('BYE', { callId: header(inv, 'Call-ID')!, remoteTarget: 'sip:100@home.arpa', to, from: header(inv, 'From')!, cseq: 2 });
      await v.response(200, 'BYE', 10_000);
    }
    await expect.poll(channels, { message: 'Asterisk has no call left' }).toMatch(/^0 active calls/m);

    const again = v.newRequest('INVITE', 'sip:100@home.arpa', { callId: header(inv, 'Call-ID')!, body: 'v=0\r\n' });
    again.headers = again.headers.map((h) => (h.name === 'From' ? { ...h, value: `<${v.uri}>;tag=${rid(5)}` } : h));
    v.sendMsg(again);
    const r = await v.response(400, 'INVITE', 10_000);
    expect(header(r.msg, 'Warning')).toMatch(/HL_CALL_ID_REUSED/);
    // Nothing was relayed: no 100 Trying from Asterisk, and it has no channel for it.
    await new Promise((res) => setTimeout(res, 500));
    expect(v.inbox.filter((x) => x.msg.kind === 'response' && header(x.msg, 'CSeq') === `${header(again, 'CSeq')!}`)).toHaveLength(0);
    expect(channels()).toMatch(/^0 active calls/m);
  } finally {
    await v.close();
  }
});

test('a BYE with a made-up To tag is answered 481 by the edge: the call goes on in Asterisk and in the edge\'s books', async () => {
  const v = await visitor();
  const readyz = async () => (await (await fetch(`${home!.edge.url}/readyz`)).json()) as { visitorCalls: number };
  try {
    const inv = v.invite('100');
    const ok = await v.response(200, 'INVITE', 20_000);
    const dialog = { callId: header(inv, 'Call-ID')!, remoteTarget: 'sip:100@home.arpa', to: header(ok.msg, 'To')!, from: header(inv, 'From')!, cseq: 1 };
    v.inDialog('ACK', dialog);
    await expect.poll(channels).toMatch(/^1 active call/m);
    expect((await readyz()).visitorCalls).toBe(1);
    // The forged BYE names the right Call-ID and From tag but a To tag Asterisk never gave.
    v.inDialog('BYE', { ...dialog, cseq: 2, to: `<sip:100@home.arpa>;tag=${rid(6)}` });
    const r = await v.response(481, 'BYE', 10_000);
    expect(header(r.msg, 'Warning')).toMatch(/HL_NO_DIALOG/);
    // Still one call on both sides, so the visitor's one-call rule still holds.
    expect(channels()).toMatch(/^1 active call/m);
    expect((await readyz()).visitorCalls).toBe(1);
    v.sendMsg(v.newRequest('INVITE', 'sip:100@home.arpa', { body: 'v=0\r\n' }));
    const busy = await v.response(486, 'INVITE', 10_000);
    expect(header(busy.msg, 'Warning')).toMatch(/HL_ONE_CALL/);
    // The real BYE ends it everywhere.
    v.inDialog('BYE', { ...dialog, cseq: 3 });
    await v.response(200, 'BYE', 10_000);
    await expect.poll(channels).toMatch(/^0 active calls/m);
    await expect.poll(async () => (await readyz()).visitorCalls).toBe(0);
  } finally {
    await v.close();
  }
});
