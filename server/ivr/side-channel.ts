// The IVR side channel: tells a visitor's widget which menu node its call is in, as an
// out-of-dialog MESSAGE over the visitor's own /sip socket (docs/edge-api.md). The ARI app
// reports node changes; this turns each into the shared contract's body for that visitor only.
import type { FastifyInstance } from 'fastify';
import { IVR_NODE_CONTENT_TYPE, type IvrNodeBody } from '../../contract/ivr.ts';

export function followIvr(app: FastifyInstance): void {
  app.ivr.ari?.on('nodeChanged', (change) => {
    if (!change.visitor) return;
    const node = app.ivr.view.nodes[change.node];
    if (!node) return;
    const body: IvrNodeBody = {
      type: 'ivr-node', node: change.node, mode: change.mode, title: node.title, text: node.text, top: change.node === app.ivr.view.start,
      options: node.options.map((o) => ({ key: o.key, label: o.label })),
    };
    for (const session of app.relaySessions) {
      if (session.user !== change.visitor) continue;
      session.notify(IVR_NODE_CONTENT_TYPE, JSON.stringify(body));
    }
  });
}
