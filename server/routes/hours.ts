// The owner's opening hours in the console: read them with what they mean right now, replace
// them (null: always open). Owner-only; the edit is kept in the data dir (server/owner/hours-store.ts).
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { HttpErrors } from '../errors.ts';
import { HoursSchema, hoursProblem } from '../owner/hours.ts';

const HoursBody = Type.Object({ hours: Type.Union([HoursSchema, Type.Null()]) }, { additionalProperties: false });

export default async function hoursRoutes(app: FastifyInstance) {
  const view = () => ({ hours: app.hours.get(), source: app.hours.source, now: app.ownerAvailability() });

  app.get('/api/owner/hours', { onRequest: app.requireOwner }, async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    return view();
  });

  app.put<{ Body: Static<typeof HoursBody> }>('/api/owner/hours', {
    schema: { body: HoursBody },
    onRequest: app.requireOwner,
  }, async (req) => {
    const { hours } = req.body;
    const problem = hours && hoursProblem(hours);
    if (problem) throw new HttpErrors.BadHours(problem);
    app.hours.set(hours);
    req.log.info({ timeZone: hours?.timeZone, intervals: hours?.weekly.length }, hours ? 'opening hours changed' : 'opening hours removed: always open');
    return view();
  });
}
