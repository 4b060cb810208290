// Three hosts as named network namespaces (root only), per ../shared/WEBRTC-TESTING.md:
//
//   visitor 10.77.1.2 ──veth── 10.77.1.1  NAT  10.77.2.1 ──veth── 10.77.2.2 home
//   (Chromium)                 (nftables masquerade; forwards only       (edge, owner's Chromium,
//                               TCP to the edge and UDP to coturn)        coturn)
//
// The visitor reaches the edge's port and coturn's port and nothing else: every other packet the
// NAT would forward, direct UDP between the visitor and the owner included, is dropped and counted.
// Nothing touches the machine's own namespace: no route, no NAT, no address there.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export const VISITOR_IP = '10.77.1.2';
export const HOME_IP = '10.77.2.2';

export interface Topology {
  visitor: string;
  nat: string;
  home: string;
  /** Runs a long-lived process in a namespace; stopped by destroy(). */
  spawnIn(ns: string, cmd: string, args: string[], env?: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string };
  /** A command in a namespace, its stdout. */
  run(ns: string, cmd: string, args: string[]): string;
  /** Packets the NAT dropped that went from the visitor towards home as UDP. */
  droppedVisitorUdp(): number;
  destroy(): Promise<void>;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();

export function buildTopology(allowTcpPorts: number[], allowUdpPorts: number[]): Topology {
  const id = randomBytes(3).toString('hex');
  const visitor = `hlt-${id}-v`, nat = `hlt-${id}-n`, home = `hlt-${id}-h`;
  const children: ChildProcess[] = [];
  const made: string[] = [];
  const run = (ns: string, cmd: string, args: string[]) => ip('netns', 'exec', ns, cmd, ...args);
  const topo: Topology = {
    visitor, nat, home,
    run,
    spawnIn(ns, cmd, args, env) {
      const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout!.on('data', (d) => { out += d; });
      child.stderr!.on('data', (d) => { out += d; });
      children.push(child);
      return { child, output: () => out };
    },
    droppedVisitorUdp() {
      const rules = run(nat, 'nft', ['-j', 'list', 'counter', 'inet', 'hlt', 'visitor_udp_dropped']);
      const found = JSON.parse(rules).nftables.find((x: { counter?: { packets: number } }) => x.counter);
      return found.counter.packets;
    },
    async destroy() {
      // Our own processes first (by their handles), then the namespaces: deleting a namespace
      // deletes the veth ends in it and so both ends of each pair.
      await Promise.all(children.map((c) => stop(c)));
      for (const ns of made.reverse()) {
        try { ip('netns', 'del', ns); } catch { /* already gone */ }
      }
    },
  };
  try {
    for (const ns of [visitor, nat, home]) { ip('netns', 'add', ns); made.push(ns); }
    const va = `hlt${id}va`, na = `hlt${id}na`, nb = `hlt${id}nb`, hb = `hlt${id}hb`;
    ip('link', 'add', va, 'netns', visitor, 'type', 'veth', 'peer', 'name', na, 'netns', nat);
    ip('link', 'add', nb, 'netns', nat, 'type', 'veth', 'peer', 'name', hb, 'netns', home);
    const inNs = (ns: string, ...args: string[]) => ip('-n', ns, ...args);
    for (const [ns, dev] of [[visitor, va], [nat, na], [nat, nb], [home, hb], [visitor, 'lo'], [nat, 'lo'], [home, 'lo']]) inNs(ns, 'link', 'set', dev, 'up');
    inNs(visitor, 'addr', 'add', `${VISITOR_IP}/24`, 'dev', va);
    inNs(visitor, 'route', 'add', 'default', 'via', '10.77.1.1');
    inNs(nat, 'addr', 'add', '10.77.1.1/24', 'dev', na);
    inNs(nat, 'addr', 'add', '10.77.2.1/24', 'dev', nb);
    inNs(home, 'addr', 'add', `${HOME_IP}/24`, 'dev', hb);
    run(nat, 'sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
    const rules = `
table inet hlt {
  counter visitor_udp_dropped {}
  chain forward {
    type filter hook forward priority 0; policy drop;
    ct state established,related accept
    iifname "${na}" ip daddr ${HOME_IP} tcp dport { ${allowTcpPorts.join(', ')} } accept
    ${allowUdpPorts.length ? `iifname "${na}" ip daddr ${HOME_IP} udp dport { ${allowUdpPorts.join(', ')} } accept` : ''}
    iifname "${na}" meta l4proto udp counter name visitor_udp_dropped drop
  }
  chain postrouting {
    type nat hook postrouting priority 100;
    oifname "${nb}" masquerade
  }
}`;
    execFileSync('ip', ['netns', 'exec', nat, 'nft', '-f', '-'], { input: rules, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    for (const ns of made.reverse()) { try { ip('netns', 'del', ns); } catch { /* gone */ } }
    throw e;
  }
  return topo;
}

function stop(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => c.kill('SIGKILL'), 5000);
    c.once('exit', () => { clearTimeout(kill); resolve(); });
    c.kill('SIGTERM');
  });
}
