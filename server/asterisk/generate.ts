// Renders the whole Asterisk configuration from the homeline config, the first-run secrets and
// the owner's site options. Pure: returns file name → text; the CLI writes them.
import { randomBytes } from 'node:crypto';
import type { Config } from '../config/schema.ts';
import type { Site } from './site.ts';
import { type AsteriskPlan, buildPlan } from './plan.ts';
import { renderPjsip, PHONE_SECRETS_FILE } from './render/pjsip.ts';
import { renderExtensions } from './render/extensions.ts';
import { renderHttp, renderAri, renderRtp, renderModules, renderVoicemail, renderLogger, renderStub, renderDefaults, renderIndications } from './render/services.ts';

export interface Generated {
  plan: AsteriskPlan;
  /** Regenerated every run. */
  files: Record<string, string>;
}

export function generate(config: Config, secrets: { edgeSecret: string; ariPassword: string }, site: Site): Generated {
  const plan = buildPlan(config, secrets, site);
  return {
    plan,
    files: {
      'pjsip.conf': renderPjsip(plan),
      'extensions.conf': renderExtensions(plan),
      'http.conf': renderHttp(plan),
      'ari.conf': renderAri(plan),
      'rtp.conf': renderRtp(plan),
      'modules.conf': renderModules(plan),
      'voicemail.conf': renderVoicemail(plan),
      'logger.conf': renderLogger(),
      'cdr.conf': renderStub('Call detail recording'),
      'cel.conf': renderStub('Channel event logging'),
      'indications.conf': renderIndications(),
      ...Object.fromEntries(([
        ['features.conf', 'Call features (transfer, parking)'], ['acl.conf', 'Named access lists'],
        ['udptl.conf', 'T.38 fax transport'], ['pjproject.conf', 'PJSIP library logging'],
        ['websocket_client.conf', 'Outbound WebSocket clients'], ['res_http_media_cache.conf', 'The HTTP media cache (prompts from the edge)'],
        ['ccss.conf', 'Call completion'],
      ] as const).map(([file, what]) => [file, renderDefaults(what)])),
    },
  };
}

/**
 * The phones' digest credentials: written once (fresh random passwords), then the owner's file.
 * The owner may put the passwords their phones already use in it; regenerating never overwrites it.
 */
export function renderPhoneSecrets(plan: AsteriskPlan, password: () => string = () => randomBytes(18).toString('base64url')): string {
  const sections = plan.phones
    .map((p) => `[${p.extension}-auth]\ntype=auth\nauth_type=digest\nusername=${p.extension}\npassword=${password()}\n`)
    .join('\n');
  return `; Digest passwords of the home phones (${PHONE_SECRETS_FILE}). Written once by homeline with
; random passwords; yours from now on: type these into each phone, or replace them with your own
; (long, random). Regenerating the configuration never touches this file. Keep it mode 0600.

${sections}`;
}

export { PHONE_SECRETS_FILE };
