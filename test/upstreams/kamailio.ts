// A real SIP-over-WebSocket server for the `asterisk` upstream's tests: Debian's Kamailio as a
// loopback registrar/proxy (see shared/WEBRTC-TESTING.md). It also plays Asterisk's part of the
// trust model: requests without the exact `X-Homeline-Edge: <role>-<secret>` get 403, and the
// visitor target `owner` is mapped to the owner's extension as the [from-web] dialplan does.
import { spawn, type ChildProcess, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, connect } from 'node:net';

export function kamailioAvailable(): boolean {
  try {
    execFileSync('kamailio', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface Kamailio {
  port: number;
  url: string;
  stop(): Promise<void>;
}

export async function startKamailio(edgeSecret: string, ownerExtension: string, port?: number): Promise<Kamailio> {
  port ??= await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'homeline-kam-'));
  const cfg = `#!KAMAILIO
debug=1
log_stderror=yes
children=1
tcp_children=1
auto_aliases=no
listen=tcp:127.0.0.1:${port}
tcp_accept_no_cl=yes
tcp_connection_lifetime=3605
mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
loadmodule "kex.so"
loadmodule "corex.so"
loadmodule "tm.so"
loadmodule "tmx.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "sanity.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "nathelper.so"
loadmodule "xhttp.so"
loadmodule "websocket.so"
modparam("usrloc", "db_mode", 0)
modparam("nathelper", "received_avp", "$avp(RECEIVED)")
modparam("registrar", "received_avp", "$avp(RECEIVED)")

request_route {
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  # Out-of-dialog requests must carry the edge secret; in-dialog ones ride on their dialog.
  if (!is_method("ACK|CANCEL") && !has_totag()) {
    if ($hdr(X-Homeline-Edge) != "visitor-${edgeSecret}" && $hdr(X-Homeline-Edge) != "owner-${edgeSecret}") {
      sl_send_reply("403", "No edge secret");
      exit;
    }
  }
  if (nat_uac_test("64")) {
    force_rport();
    if (is_method("REGISTER")) fix_nated_register(); else add_contact_alias();
  }
  if (has_totag()) {
    if (loose_route()) { handle_ruri_alias(); t_relay(); exit; }
    if (is_method("ACK")) { if (t_check_trans()) t_relay(); exit; }
    handle_ruri_alias();
    t_relay();
    exit;
  }
  if (is_method("CANCEL")) { if (t_check_trans()) t_relay(); exit; }
  if (is_method("REGISTER")) { if ($hdr(X-Homeline-Edge) != "owner-${edgeSecret}") { sl_send_reply("403", "Visitors do not register"); exit; } save("location"); exit; }
  if (is_method("OPTIONS") && $rU == $null) { sl_send_reply("200", "OK"); exit; }
  if ($rU == "owner") $rU = "${ownerExtension}";
  if (is_method("INVITE")) record_route();
  if (!lookup("location")) { sl_send_reply("480", "Temporarily Unavailable"); exit; }
  t_relay();
}

onreply_route {
  if (nat_uac_test("64")) add_contact_alias();
}

event_route[xhttp:request] {
  if ($hdr(Upgrade) =~ "websocket" && $hdr(Connection) =~ "Upgrade" && $rm =~ "GET") {
    if (ws_handle_handshake()) exit;
  }
  xhttp_reply("404", "Not Found", "", "");
}
`;
  const file = join(dir, 'kamailio.cfg');
  writeFileSync(file, cfg);
  const proc: ChildProcess = spawn('kamailio', ['-f', file, '-DD', '-E', '-n', '1', '-Y', join(dir, 'runtime'), '-w', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d) => { stderr += d; });
  // Ready when the port accepts connections.
  const deadline = Date.now() + 8000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`kamailio exited: ${stderr.slice(-800)}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => { s.end(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`kamailio did not listen: ${stderr.slice(-800)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    url: `ws://127.0.0.1:${port}/ws`,
    async stop() {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await new Promise((r) => proc.once('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
