// The menu tree's document format (YAML or JSON), as TypeBox so the same object is the JSON
// Schema, the TypeScript type and the validator. Shape borrowed from FreeSWITCH ivr.conf
// (greeting, invalid/exit sounds, timeout, inter-digit timeout, max failures/timeouts) and
// jambonz `gather`. Every option carries exactly one action key; the semantic checks that
// JSON Schema cannot express (gotos exist, reachability, role reach) live in menu-validate.ts.
import { Type, type Static } from '@sinclair/typebox';

const NodeId = Type.String({ pattern: '^[a-z][a-z0-9-]{0,39}$', description: 'menu node id' });
const Seconds = (def: number | undefined, max = 120) =>
  Type.Number({ minimum: 0.5, maximum: max, ...(def === undefined ? {} : { default: def }) });

/** Text to speak; `file` (a WAV next to the menu) replaces the synthesised voice when present. */
export const PromptSchema = Type.Union([
  Type.String({ minLength: 1, maxLength: 600 }),
  Type.Object(
    {
      text: Type.String({ minLength: 1, maxLength: 600 }),
      file: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._/-]+\\.wav$', description: 'recorded WAV, relative to the menu file' })),
    },
    { additionalProperties: false },
  ),
]);

/**
 * What the visitor's widget shows in place of a spoken text: written for a screen, not the ear
 * ("If a life is in danger, call 112." rather than "…press star to go back"). When absent the
 * widget shows the spoken text without its key instructions (screen-text.ts).
 */
const Screen = Type.Optional(Type.String({ minLength: 1, maxLength: 600, description: 'the text shown on screen instead of the prompt' }));

/** Actions that end the menu walk or hand the caller elsewhere; allowed as a fallback. */
const FallbackFields = {
  goto: Type.Optional(NodeId),
  record: Type.Optional(
    Type.Object(
      {
        kind: Type.Union([Type.Literal('name'), Type.Literal('message')], { default: 'message' }),
        prompt: PromptSchema,
        maxSeconds: Type.Integer({ minimum: 2, maximum: 300, default: 60 }),
        thanks: Type.Optional(PromptSchema),
      },
      { additionalProperties: false },
    ),
  ),
  callback: Type.Optional(
    Type.Object(
      {
        /** `caller`: call back the number/extension this call came from; `ask`: key in a number ended by #. */
        number: Type.Union([Type.Literal('caller'), Type.Literal('ask')]),
        prompt: Type.Optional(PromptSchema),
        minDigits: Type.Integer({ minimum: 2, maximum: 20, default: 3 }),
        maxDigits: Type.Integer({ minimum: 2, maximum: 20, default: 15 }),
        thanks: Type.Optional(PromptSchema),
      },
      { additionalProperties: false },
    ),
  ),
  /** Say something, then return to `next` (default: the node it was said from). */
  say: Type.Optional(
    Type.Object({ prompt: PromptSchema, screen: Screen, next: Type.Optional(NodeId) }, { additionalProperties: false }),
  ),
  hangup: Type.Optional(Type.Object({ prompt: Type.Optional(PromptSchema), screen: Screen }, { additionalProperties: false })),
};

export const FallbackSchema = Type.Object(FallbackFields, { additionalProperties: false });

const RingFields = {
  timeoutSeconds: Type.Integer({ minimum: 5, maximum: 300, default: 45 }),
  /** Said before ringing ("Connecting you…"). */
  prompt: Type.Optional(PromptSchema),
  /** What happens on no answer / busy / failure. Default: hang up with a short apology. */
  noAnswer: Type.Optional(FallbackSchema),
};

export const ActionFields = {
  ...FallbackFields,
  ring: Type.Optional(
    Type.Object(
      {
        /** Home extensions rung together, or the named group `owner` (owner.extension + owner.phones). */
        extensions: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9]{2,6}$' }), { minItems: 1, maxItems: 16 })),
        group: Type.Optional(Type.Literal('owner')),
        ...RingFields,
      },
      { additionalProperties: false },
    ),
  ),
  /** Key in N digits matching an Asterisk pattern (`6XXX`), `#` restarts, then ring them. */
  collect: Type.Optional(
    Type.Object(
      {
        ...RingFields,
        digits: Type.Integer({ minimum: 1, maximum: 8 }),
        pattern: Type.String({ pattern: '^([0-9XZN]|\\[[0-9-]+\\])+$', description: 'Asterisk extension pattern without the leading _' }),
        /** Asks for the digits (replaces ring's "connecting" prompt). */
        prompt: PromptSchema,
        invalid: Type.Optional(PromptSchema),
        /** Wait for the first digit; default the node's timeoutSeconds (timeoutSeconds here is the ring's). */
        firstDigitSeconds: Type.Optional(Type.Number({ minimum: 1, maximum: 120 })),
        restartKey: Type.Union([Type.Literal('#'), Type.Literal('*')], { default: '#' }),
      },
      { additionalProperties: false },
    ),
  ),
  /** Ring a number outside the home through a trunk. Only an owner's tree may hold this. */
  dialOut: Type.Optional(
    Type.Object({ number: Type.String({ pattern: '^\\+?[0-9]{3,15}$' }), ...RingFields }, { additionalProperties: false }),
  ),
};

export const ACTION_KEYS = Object.keys(ActionFields) as (keyof typeof ActionFields)[];

export const OptionSchema = Type.Object(
  { label: Type.String({ minLength: 1, maxLength: 60 }), ...ActionFields },
  { additionalProperties: false },
);

const NodeSettings = {
  // No defaults here: an absent value falls back to the menu's `defaults` at run time.
  timeoutSeconds: Type.Optional(Seconds(undefined)),
  interDigitSeconds: Type.Optional(Seconds(undefined, 30)),
  maxFailures: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
  maxTimeouts: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
  invalid: Type.Optional(PromptSchema),
  tooManyFailures: Type.Optional(PromptSchema),
  onTooManyFailures: Type.Optional(FallbackSchema),
};

export const NodeSchema = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 60 }),
    prompt: PromptSchema,
    screen: Screen,
    /** Said instead of `prompt` on repeats (FreeSWITCH's short greeting). */
    shortPrompt: Type.Optional(PromptSchema),
    /** Keys 0-9 only: `*` is back, `#` is repeat. */
    options: Type.Record(Type.String(), OptionSchema, { default: {} }),
    /** Where `*` goes; default the node the caller came from, else the start node. */
    back: Type.Optional(NodeId),
    ...NodeSettings,
  },
  { additionalProperties: false },
);

export const MenuSchema = Type.Object(
  {
    version: Type.Literal(1),
    /** Who walks this tree: a visitor's tree may reach only allowed home extensions. */
    role: Type.Union([Type.Literal('visitor'), Type.Literal('owner')]),
    title: Type.String({ minLength: 1, maxLength: 80 }),
    start: NodeId,
    /** Synthesiser voice, part of every prompt's cache key. */
    voice: Type.String({ default: 'en-us' }),
    defaults: Type.Object(
      {
        timeoutSeconds: Seconds(6),
        interDigitSeconds: Seconds(3, 30),
        maxFailures: Type.Integer({ minimum: 1, maximum: 10, default: 3 }),
        maxTimeouts: Type.Integer({ minimum: 1, maximum: 10, default: 3 }),
        invalid: PromptSchema,
        tooManyFailures: PromptSchema,
        onTooManyFailures: Type.Optional(FallbackSchema),
        noAnswer: Type.Optional(FallbackSchema),
      },
      { additionalProperties: false },
    ),
    nodes: Type.Record(NodeId, NodeSchema),
  },
  { additionalProperties: false },
);

export type Prompt = Static<typeof PromptSchema>;
export type Fallback = Static<typeof FallbackSchema>;
export type MenuOption = Static<typeof OptionSchema>;
export type Action = Omit<MenuOption, 'label'>;
export type MenuNode = Static<typeof NodeSchema>;
export type Menu = Static<typeof MenuSchema>;
export type ActionKey = (typeof ACTION_KEYS)[number];

/** The one action key an option/fallback holds (validated to be exactly one). */
export function actionKind(a: Action | Fallback): ActionKey {
  for (const k of ACTION_KEYS) if ((a as Record<string, unknown>)[k] !== undefined) return k;
  throw new Error('action without a kind');
}

export function promptText(p: Prompt): string {
  return typeof p === 'string' ? p : p.text;
}
