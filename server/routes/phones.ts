// Which of the owner's phones ring, and when: the owner-only API (GET/PUT /api/owner/phones), the
// ring routing that applies it (Asterisk: the global HL_RING_OWNER over ARI, read by the generated
// [ring-owner]; embedded: the router asks before forking to the tabs) and the notifier that texts
// new messages to the phones ringing now. Registered after the IVR plugin (its ARI client).
import fp from 'fastify-plugin';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { HttpErrors } from '../errors.ts';
import { upstreamKind } from '../config/load.ts';
import { loadSite, sitePath } from '../asterisk/site.ts';
import { PhoneSettings, phoneSettingsPath } from '../owner/phone-settings.ts';
import { RingRouting } from '../owner/ring-routing.ts';
import { RING_VARIABLE, RingRuleError, RingRulesSchema, nextBoundary, type RingRule } from '../owner/ring-set.ts';
import { PhoneNotifier } from '../owner/phone-notify.ts';
import { AriError } from '../ivr/errors.ts';
import type { AriClient } from '../ivr/ari/client.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** What a visitor's call to the owner rings now (server/owner/ring-routing.ts). */
    ringRouting: RingRouting;
  }
}

const PutBody = Type.Object({ rules: RingRulesSchema }, { additionalProperties: false });

/** Display names of the phones from <dataDir>/asterisk.json, when it can be read. */
function phoneNames(dataDir: string): Map<string, string> {
  try {
    return new Map(loadSite(sitePath(dataDir)).phones.map((p) => [p.extension, p.name]));
  } catch {
    return new Map();
  }
}

async function phones(app: FastifyInstance): Promise<void> {
  const { owner, dataDir, sip } = app.config;
  const owned = [owner.extension, ...owner.phones.filter((p) => p !== owner.extension)];
  const log = app.log.child({ component: 'phones' });
  const settings = new PhoneSettings(phoneSettingsPath(dataDir), owned, log);
  const ari: AriClient | null = upstreamKind(app.config) === 'asterisk' && app.hasDecorator('ivr') ? app.ivr.ariClient : null;
  const routing = new RingRouting({
    settings,
    log,
    apply: ari ? (value) => ari.request('POST', '/asterisk/variable', { variable: RING_VARIABLE, value }).then(() => undefined) : undefined,
  });
  app.decorate('ringRouting', routing);
  if (upstreamKind(app.config) === 'asterisk' && !ari) {
    log.warn('ring rules need ARI to reach Asterisk (set ari.url): until then [ring-owner] rings every phone and nothing is texted');
  }

  if (ari) {
    // A restarted Asterisk has forgotten its globals: give it the ring set again at each connect.
    const onConnected = () => void routing.update('ari-connected');
    ari.on('connected', onConnected);
    const notifier = new PhoneNotifier({
      ringing: () => routing.ringing(),
      tabExtension: owner.extension,
      log,
      send: async (ext, text) => {
        const ep = await ari.request<{ state?: string }>('GET', `/endpoints/PJSIP/${ext}`);
        if (ep?.state !== 'online') return 'offline';
        try {
          await ari.request('PUT', `/endpoints/PJSIP/${ext}/sendMessage`, { from: `"homeline" <sip:homeline@${sip.domain}>`, body: text });
        } catch (err) {
          // 404 here: the endpoint lost its contact between the two requests.
          if (err instanceof AriError && err.status === 404) return 'offline';
          throw err;
        }
        return 'sent';
      },
    });
    const unsubscribe = app.ownerEvents.subscribe((e) => void notifier.handle(e));
    app.addHook('onClose', async () => { unsubscribe(); ari.off('connected', onConnected); });
  }
  app.addHook('onReady', async () => routing.start());
  app.addHook('onClose', async () => routing.stop());

  const names = phoneNames(dataDir);
  const view = () => {
    const now = new Date();
    const ringing = routing.ringing(now);
    return {
      phones: settings.rules().map((r) => ({
        ...r,
        tab: r.extension === owner.extension,
        name: r.extension === owner.extension ? null : names.get(r.extension) ?? null,
        ringsNow: ringing.includes(r.extension),
      })),
      nextChange: nextBoundary(settings.rules(), now)?.toISOString() ?? null,
      /** What applies the rules: Asterisk (the dialplan's variable) or the embedded router (the tab only). */
      appliedBy: upstreamKind(app.config),
    };
  };

  app.get('/api/owner/phones', { onRequest: app.requireOwner }, async () => view());

  app.put<{ Body: Static<typeof PutBody> }>('/api/owner/phones', {
    schema: { body: PutBody },
    onRequest: app.requireOwner,
  }, async (req) => {
    try {
      settings.save(req.body.rules as RingRule[]);
    } catch (err) {
      if (err instanceof RingRuleError) {
        req.log.warn({ err: err.message }, 'ring rules refused');
        throw new HttpErrors.RingRuleInvalid(err.message);
      }
      throw err;
    }
    await routing.update('edit');
    const v = view();
    req.log.info({ ringing: v.phones.filter((p) => p.ringsNow).map((p) => p.extension) }, 'owner changed which phones ring');
    app.ownerEvents.publish({ type: 'phones' });
    return v;
  });
}

export default fp(phones, { name: 'homeline-phones', dependencies: ['homeline-owner-auth'] });
