// Hosts as named network namespaces (root only), per ../shared/WEBRTC-TESTING.md. buildTopology,
// three hosts:
//
//   visitor 10.77.1.2 ──veth── 10.77.1.1  NAT  10.77.2.1 ──veth── 10.77.2.2 home
//   (Chromium)                 (nftables masquerade; forwards only       (edge, owner's Chromium,
//                               TCP to the edge and UDP to coturn)        coturn)
//
// The visitor reaches the edge's port and coturn's port and nothing else: every other packet the
// NAT would forward, direct UDP between the visitor and the owner included, is dropped and counted.
// buildTwoHosts: a visitor and a home on one link, nothing between them (see there).
// Nothing touches the machine's own namespace: no route, no NAT, no address there.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export const VISITOR_IP = '10.77.1.2';
export const HOME_IP = '10.77.2.2';

/** Named namespaces made by this process, and the processes it runs in them. */
export interface Namespaces {
  /** Runs a long-lived process in a namespace; stopped by destroy(). */
  spawnIn(ns: string, cmd: string, args: string[], env?: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string };
  /** A command in a namespace, its stdout. */
  run(ns: string, cmd: string, args: string[]): string;
  /** Stops the processes, then deletes the namespaces (and so the veth pairs between them). */
  destroy(): Promise<void>;
}

export interface Topology extends Namespaces {
  visitor: string;
  nat: string;
  home: string;
  /** Packets the NAT dropped that went from the visitor towards home as UDP. */
  droppedVisitorUdp(): number;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();

/** Adds the namespaces `names` (all or none: on a failure the made ones are deleted). */
function makeNamespaces(names: string[], wire: () => void): Namespaces {
  const children: ChildProcess[] = [];
  const made: string[] = [];
  const run = (ns: string, cmd: string, args: string[]) => ip('netns', 'exec', ns, cmd, ...args);
  const removeAll = () => { for (const ns of made.reverse()) { try { ip('netns', 'del', ns); } catch { /* already gone */ } } };
  try {
    for (const ns of names) { ip('netns', 'add', ns); made.push(ns); }
    wire();
  } catch (e) {
    removeAll();
    throw e;
  }
  return {
    run,
    spawnIn(ns, cmd, args, env) {
      const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout!.on('data', (d) => { out += d; });
      child.stderr!.on('data', (d) => { out += d; });
      children.push(child);
      return { child, output: () => out };
    },
    async destroy() {
      // Our own processes first (by their handles), then the namespaces: deleting a namespace
      // deletes the veth ends in it and so both ends of each pair.
      await Promise.all(children.map((c) => stopChild(c)));
      removeAll();
    },
  };
}

/** A veth pair from `a` (address `aIp`) to `b` (address `bIp`), both ends and loopbacks up. */
function veth(a: [ns: string, dev: string, ip?: string], b: [ns: string, dev: string, ip?: string]) {
  ip('link', 'add', a[1], 'netns', a[0], 'type', 'veth', 'peer', 'name', b[1], 'netns', b[0]);
  for (const [ns, dev, addr] of [a, b]) {
    ip('-n', ns, 'link', 'set', dev, 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    if (addr) ip('-n', ns, 'addr', 'add', `${addr}/24`, 'dev', dev);
  }
}

/**
 * Two hosts on one link, no NAT and no filter between them (the visitor on the internet, the
 * owner's home answering it directly):
 *
 *   visitor 10.88.0.2 ──veth── 10.88.0.1 home
 *
 * The visitor's default route points at home: Firefox gathers no candidate without one.
 */
export const TWO_HOSTS = { visitorIp: '10.88.0.2', homeIp: '10.88.0.1' } as const;

export interface TwoHosts extends Namespaces { visitor: string; home: string }

export function buildTwoHosts(): TwoHosts {
  const id = randomBytes(3).toString('hex');
  const visitor = `hl2-${id}-v`, home = `hl2-${id}-h`;
  const spaces = makeNamespaces([home, visitor], () => {
    veth([visitor, `hl2${id}v`, TWO_HOSTS.visitorIp], [home, `hl2${id}h`, TWO_HOSTS.homeIp]);
    ip('-n', visitor, 'route', 'add', 'default', 'via', TWO_HOSTS.homeIp);
  });
  return { ...spaces, visitor, home };
}

export function buildTopology(allowTcpPorts: number[], allowUdpPorts: number[]): Topology {
  const id = randomBytes(3).toString('hex');
  const visitor = `hlt-${id}-v`, nat = `hlt-${id}-n`, home = `hlt-${id}-h`;
  const va = `hlt${id}va`, na = `hlt${id}na`, nb = `hlt${id}nb`, hb = `hlt${id}hb`;
  const spaces = makeNamespaces([visitor, nat, home], () => {
    veth([visitor, va, VISITOR_IP], [nat, na, '10.77.1.1']);
    veth([nat, nb, '10.77.2.1'], [home, hb, HOME_IP]);
    ip('-n', visitor, 'route', 'add', 'default', 'via', '10.77.1.1');
    ip('netns', 'exec', nat, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
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
  });
  return {
    ...spaces, visitor, nat, home,
    droppedVisitorUdp() {
      const rules = spaces.run(nat, 'nft', ['-j', 'list', 'counter', 'inet', 'hlt', 'visitor_udp_dropped']);
      const found = JSON.parse(rules).nftables.find((x: { counter?: { packets: number } }) => x.counter);
      return found.counter.packets;
    },
  };
}

/** SIGTERM, then SIGKILL after 5 s; resolves once the process has exited. */
export function stopChild(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => c.kill('SIGKILL'), 5000);
    c.once('exit', () => { clearTimeout(kill); resolve(); });
    c.kill('SIGTERM');
  });
}
