// Blocking callers from the console: block the caller of a logged call (their address, or their
// network) for some days, list the blocks in force, lift one. Owner-only. The console names a
// call by its id; which address that was stays on the edge (server/owner/blocks.ts says why).
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { HttpErrors, WsClose } from '../errors.ts';

const BlockBody = Type.Object(
  {
    callId: Type.String({ minLength: 1, maxLength: 64 }),
    scope: Type.Union([Type.Literal('address'), Type.Literal('network')]),
    days: Type.Integer({ minimum: 1, maximum: 365 }),
  },
  { additionalProperties: false },
);
const BlockParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export default async function blockRoutes(app: FastifyInstance) {
  const changed = () => app.ownerEvents.publish({ type: 'blocks' });

  app.get('/api/owner/blocks', { onRequest: app.requireOwner }, async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    return { blocks: app.blocks.list(Date.now()) };
  });

  app.post<{ Body: Static<typeof BlockBody> }>('/api/owner/blocks', {
    schema: { body: BlockBody },
    onRequest: app.requireOwner,
  }, async (req, reply) => {
    const { callId, scope, days } = req.body;
    const id = app.blocks.blockCall(callId, scope, days, Date.now());
    if (id === undefined) throw new HttpErrors.NotFound('call to block (unknown, or older than the blockable window)');
    // A block is for now, not for the next token: a caller connected at this moment (ringing, or
    // about to ring again) is cut off too, and told why.
    let cut = 0;
    for (const s of app.relaySessions) {
      if (s.role !== 'visitor' || !s.address || !app.blocks.isBlocked(s.address, Date.now())) continue;
      s.close(WsClose.Blocked, 'HL_BLOCKED: calls from this network are not accepted');
      cut++;
    }
    req.log.info({ callId, scope, days, connectionsClosed: cut }, 'owner blocked a caller');
    changed();
    return reply.code(201).send({ id, blocks: app.blocks.list(Date.now()) });
  });

  app.delete<{ Params: Static<typeof BlockParams> }>('/api/owner/blocks/:id', {
    schema: { params: BlockParams },
    onRequest: app.requireOwner,
  }, async (req, reply) => {
    if (!app.blocks.remove(req.params.id)) throw new HttpErrors.NotFound('block');
    req.log.info({ block: req.params.id }, 'owner lifted a block');
    changed();
    return reply.code(204).send();
  });
}
