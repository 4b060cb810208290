// Client transactions of the embedded router (RFC 3261 §17.1): every request it forwards inside a
// dialog, and every request it makes itself (a CANCEL to a ringing tab, the BYE for a losing
// fork or a lost connection), waits here under the branch of the Via the router pushed. The
// answer comes back by that branch and, if someone is waiting for it, goes to them.
//
// An INVITE fork is not one of these: the fork (fork.ts) keeps its own branches.
//
//            start(branch, from, to)
//                    │
//                    ▼
//   ┌────────── Pending ───────┐ 1xx on `to`: passed to `from`, stays Pending
//   │            │  ▲──────────┘
//   │            │ 2xx–6xx on `to`: passed to `from`
//   │            ▼
//   │        Terminated ◄─── a 200 to our CANCEL (its answer ends at the router)
//   │            ▲
//   └── 32 s ────┘     (timer F/B: nobody answered; the entry is forgotten, no response made)
//
// A response on any other connection than the one the request went to is dropped: a tab cannot
// answer for another.

export interface ClientTransaction {
  /** The connection the response goes back to; none when the router made the request itself. */
  fromConn?: string;
  /** The connection the request went to: only it may answer. */
  toConn: string;
  timer: NodeJS.Timeout;
}

/** How long an unanswered request is remembered (64·T1, RFC 3261 timers B and F). */
const TIMEOUT_MS = 32_000;

export class ClientTransactions {
  private readonly pending = new Map<string, ClientTransaction>();

  start(branch: string, fromConn: string | undefined, toConn: string): void {
    const timer = setTimeout(() => this.pending.delete(branch), TIMEOUT_MS);
    timer.unref();
    this.pending.set(branch, { fromConn, toConn, timer });
  }

  /**
   * A response with `branch` arrived on `connId`. Returns the transaction when the response
   * belongs to it (and ends it on a final status), undefined when it is to be dropped.
   */
  respond(branch: string, connId: string, status: number): ClientTransaction | undefined {
    const tx = this.pending.get(branch);
    if (!tx || tx.toConn !== connId) return undefined;
    if (status >= 200) this.end(branch);
    return tx;
  }

  /** Ends a transaction whose response stops at the router (the 200 to its own CANCEL). */
  end(branch: string): void {
    const tx = this.pending.get(branch);
    if (tx) clearTimeout(tx.timer);
    this.pending.delete(branch);
  }

  clear(): void {
    for (const tx of this.pending.values()) clearTimeout(tx.timer);
    this.pending.clear();
  }
}
