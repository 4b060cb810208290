// The one description of homeline's configuration: defaults, types and limits live here, so the
// file, the environment overrides and the Asterisk generator all agree on the same shape.
import { Type, type Static } from '@sinclair/typebox';
import { HoursSchema } from '../owner/hours.ts';

const Extension = Type.String({ pattern: '^[0-9]{2,6}$', description: 'a dialable home extension' });
const TargetUser = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,31}$', description: 'SIP user part a visitor may call' });

export const VisitorTargetSchema = Type.Object(
  {
    user: TargetUser,
    label: Type.String({ minLength: 1, maxLength: 80 }),
    // What the target rings. In the embedded upstream only `owner-browser` is meaningful (the
    // registered owner tabs); in Asterisk the dialplan of [from-web] decides (see asterisk/).
    kind: Type.Union([Type.Literal('owner'), Type.Literal('ivr'), Type.Literal('extension')]),
    extensions: Type.Optional(Type.Array(Extension, { maxItems: 16 })),
  },
  { additionalProperties: false },
);

export const ConfigSchema = Type.Object(
  {
    host: Type.String({ default: '127.0.0.1' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
    /** Public base URL the browser uses for the edge, e.g. https://call.example.org. Derived from host:port when empty. */
    publicUrl: Type.String({ default: '' }),
    /** Where first-run secrets and runtime state live (git-ignored). */
    dataDir: Type.String({ default: '.homeline' }),
    logLevel: Type.Union(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
      { default: 'info' },
    ),
    /** Browser origins allowed to fetch tokens and open /sip. The edge's own origin is always allowed. */
    allowedOrigins: Type.Array(Type.String({ minLength: 1 }), { default: [] }),
    /**
     * HTTPS (issue 11). `trustProxy`: the reverse proxies (addresses or CIDRs) whose
     * X-Forwarded-For/-Proto/-Host the edge believes; empty means none, and the socket's address
     * is the client's. `tls`: the edge's own certificate and key (PEM files; both or neither),
     * reloaded on SIGHUP.
     */
    trustProxy: Type.Array(Type.String({ minLength: 1 }), { default: [] }),
    tls: Type.Object(
      { certFile: Type.String({ default: '' }), keyFile: Type.String({ default: '' }) },
      { default: {}, additionalProperties: false },
    ),
    sip: Type.Object(
      {
        /** SIP domain of every URI the edge hands out; home.arpa is the RFC 8375 home-network name. */
        domain: Type.String({ pattern: '^[a-z0-9.-]+$', default: 'home.arpa' }),
        /** Largest WebSocket frame (one SIP message) accepted from a client, bytes. */
        maxMessageBytes: Type.Integer({ minimum: 1024, maximum: 1048576, default: 16384 }),
      },
      { default: {}, additionalProperties: false },
    ),
    owner: Type.Object(
      {
        /**
         * How the button names the owner to visitors ("Ada is available."). Unset: each language's
         * catalogue says it without a name (web/button/strings*.ts), never an English stand-in.
         */
        name: Type.Optional(Type.String()),
        /** The owner's browser extension: the one AOR the owner tab may REGISTER. */
        extension: Type.String({ pattern: '^[0-9]{2,6}$', default: '6000' }),
        /** The owner's phones rung together with the browser tab (Asterisk ring group). */
        phones: Type.Array(Extension, { default: ['6001', '6002', '6003', '6010'] }),
        ringSeconds: Type.Integer({ minimum: 5, maximum: 300, default: 45 }),
        sessionHours: Type.Number({ minimum: 0.1, maximum: 720, default: 12 }),
        /** Owner's session WebSocket cap; the tab reconnects with a fresh token. */
        connectionHours: Type.Number({ minimum: 0.05, maximum: 48, default: 12 }),
      },
      { default: {}, additionalProperties: false },
    ),
    /**
     * When visitors may ring the owner, e.g. weekdays 9–18 in Europe/London (server/owner/hours.ts).
     * Absent: always. The owner console can edit it; its edit (kept in the data dir) wins until
     * this value changes.
     */
    hours: Type.Optional(HoursSchema),
    visitor: Type.Object(
      {
        targets: Type.Array(VisitorTargetSchema, {
          minItems: 1,
          default: [
            { user: 'owner', label: 'Call me', kind: 'owner' },
            { user: '100', label: 'Operator menu', kind: 'ivr' },
          ],
        }),
        sessionMinutes: Type.Number({ minimum: 0.05, maximum: 240, default: 30 }),
        callMinutes: Type.Number({ minimum: 0.05, maximum: 240, default: 20 }),
        /** A visitor socket that has placed no call after this long is closed (4001): idle sockets cost nothing upstream, but not forever. */
        idleSeconds: Type.Integer({ minimum: 1, maximum: 3600, default: 60 }),
      },
      { default: {}, additionalProperties: false },
    ),
    tokens: Type.Object(
      {
        issuer: Type.String({ default: 'homeline-edge' }),
        audience: Type.String({ default: 'homeline-sip' }),
        connectSeconds: Type.Integer({ minimum: 5, maximum: 60, default: 30 }),
      },
      { default: {}, additionalProperties: false },
    ),
    limits: Type.Object(
      {
        tokenPerIpPerMinute: Type.Integer({ minimum: 1, default: 10 }),
        tokenGlobalPerMinute: Type.Integer({ minimum: 1, default: 120 }),
        loginPerIpPerMinute: Type.Integer({ minimum: 1, default: 5 }),
        wsPerIp: Type.Integer({ minimum: 1, default: 4 }),
        wsVisitorTotal: Type.Integer({ minimum: 1, default: 10000 }),
        messagesPerSecond: Type.Integer({ minimum: 1, default: 20 }),
        messageBurst: Type.Integer({ minimum: 1, default: 40 }),
        visitorCallsTotal: Type.Integer({ minimum: 1, default: 2 }),
        busyRetryAfterSeconds: Type.Integer({ minimum: 1, default: 60 }),
        /**
         * Visitor channels open to the upstream at once (each is one Asterisk HTTP session, opened
         * at the visitor's first INVITE). With ownerReserveChannels it must fit in
         * upstream.asteriskSessionLimit: the generator's checks refuse a configuration where it does not.
         */
        visitorUpstreamChannels: Type.Integer({ minimum: 1, default: 150 }),
        /** Asterisk HTTP sessions no visitor can take: the owner's tabs, ARI (events + requests), readiness probes. */
        ownerReserveChannels: Type.Integer({ minimum: 1, default: 20 }),
        /** Owner login attempts per minute over all addresses (after the per-address budget). */
        loginGlobalPerMinute: Type.Integer({ minimum: 1, default: 20 }),
        /** Password hashes computed at once; further logins wait in a short queue, then get 429. */
        loginConcurrentHashes: Type.Integer({ minimum: 1, maximum: 16, default: 1 }),
        /** IVR message-form posts per 10 minutes over all addresses (after the per-address budget). */
        messageFormGlobalPer10Minutes: Type.Integer({ minimum: 1, default: 30 }),
        /** Milliseconds a client may take to send a request's headers (and an upgrade request); slow senders are cut off. */
        headersTimeoutMs: Type.Integer({ minimum: 500, maximum: 120000, default: 10000 }),
        /**
         * Calls a visitor may start a minute (each rings the owner and adds a call-log row), per
         * connection, per address and across the edge: the whole budget at once, then refilled
         * evenly (a token bucket). Over budget: SIP 503 + Retry-After, HL_TOO_MANY_ATTEMPTS.
         */
        callAttemptsPerConnectionPerMinute: Type.Integer({ minimum: 1, default: 3 }),
        callAttemptsPerAddressPerMinute: Type.Integer({ minimum: 1, default: 6 }),
        callAttemptsPerMinute: Type.Integer({ minimum: 1, default: 30 }),
      },
      { default: {}, additionalProperties: false },
    ),
    upstream: Type.Object(
      {
        /** `embedded` unless an Asterisk WebSocket URL is configured. */
        kind: Type.Union([Type.Literal('auto'), Type.Literal('embedded'), Type.Literal('asterisk')], { default: 'auto' }),
        asteriskWsUrl: Type.String({ default: '' }),
        connectTimeoutMs: Type.Integer({ minimum: 100, maximum: 30000, default: 3000 }),
        /** Asterisk's http.conf `sessionlimit`, written by the generator: every /ws and ARI connection is one session. */
        asteriskSessionLimit: Type.Integer({ minimum: 10, maximum: 100000, default: 200 }),
      },
      { default: {}, additionalProperties: false },
    ),
    ari: Type.Object(
      {
        url: Type.String({ default: '' }),
        user: Type.String({ default: 'homeline' }),
        /** Empty: generated on first run into the data dir, and written into ari.conf by the generator. */
        password: Type.String({ default: '' }),
        app: Type.String({ default: 'homeline' }),
      },
      { default: {}, additionalProperties: false },
    ),
    ice: Type.Object(
      {
        /** Handed to browsers; RTCIceServer shape. */
        servers: Type.Array(
          Type.Object({
            urls: Type.Union([Type.String(), Type.Array(Type.String())]),
            username: Type.Optional(Type.String()),
            credential: Type.Optional(Type.String()),
          }),
          { default: [] },
        ),
        gatheringTimeoutMs: Type.Integer({ minimum: 200, maximum: 10000, default: 2000 }),
      },
      { default: {}, additionalProperties: false },
    ),
    /** TURN relay with per-visitor credentials (server/turn/, docs/deploy-turn.md). Off while `urls` is empty. */
    turn: Type.Object(
      {
        /** Handed to browsers with minted credentials, e.g. `turn:turn.example.org:3478?transport=udp`. */
        urls: Type.Array(Type.String({ pattern: '^turns?:[^\\s]+$' }), { default: [] }),
        /** File holding coturn's static-auth-secret; empty: the first-run `turnSecret` in the data dir. */
        secretFile: Type.String({ default: '' }),
        /** Credential lifetime; never longer than the session its token opens. */
        ttlSeconds: Type.Integer({ minimum: 60, maximum: 86400, default: 3600 }),
        realm: Type.String({ pattern: '^[A-Za-z0-9.-]+$', default: 'homeline' }),
        /** Private addresses the relay may still reach: the home Asterisk's (or owner's) media address. */
        allowedPeers: Type.Array(Type.String({ pattern: '^[0-9a-fA-F.:]+(-[0-9a-fA-F.:]+)?$' }), { default: [] }),
        /** What `npm run turn:config` writes for coturn; empty means coturn's default. */
        listenIps: Type.Array(Type.String({ pattern: '^[0-9a-fA-F.:]+$' }), { default: [] }),
        relayIp: Type.String({ pattern: '^[0-9a-fA-F.:]*$', default: '' }),
        externalIp: Type.String({ pattern: '^[0-9a-fA-F.:/]*$', default: '' }),
        port: Type.Integer({ minimum: 1, maximum: 65535, default: 3478 }),
        minPort: Type.Integer({ minimum: 1024, maximum: 65535, default: 49152 }),
        maxPort: Type.Integer({ minimum: 1024, maximum: 65535, default: 49999 }),
        /** Allocations per credential (one visitor) and in all. */
        userQuota: Type.Integer({ minimum: 1, default: 8 }),
        totalQuota: Type.Integer({ minimum: 1, default: 100 }),
      },
      { default: {}, additionalProperties: false },
    ),
    rtp: Type.Object(
      {
        portStart: Type.Integer({ minimum: 1024, maximum: 65535, default: 15000 }),
        portEnd: Type.Integer({ minimum: 1024, maximum: 65535, default: 19999 }),
      },
      { default: {}, additionalProperties: false },
    ),
    ivr: Type.Object(
      {
        /** Menu tree file; empty means the shipped operator menu (ivr/menus/operator.yaml). */
        menuFile: Type.String({ default: '' }),
        /**
         * Where synthesised prompts are cached by content; empty means <dataDir>/prompts. Entries
         * are named by a hash of (voice, text) and written atomically, so several edges (or test
         * runs) may share one folder.
         */
        promptDir: Type.String({ default: '' }),
      },
      { default: {}, additionalProperties: false },
    ),
    /** What visitors leave for the owner (server/messages/, docs/messages.md). */
    messages: Type.Object(
      {
        /** Longest voice message the widget records (its countdown, the upload's size cap); 0 turns voice messages off. */
        voiceMaxSeconds: Type.Integer({ minimum: 0, maximum: 300, default: 60 }),
        /** Messages and callback requests older than this are deleted, audio with them. */
        retentionDays: Type.Integer({ minimum: 1, maximum: 3650, default: 90 }),
        /** Voice messages and IVR recordings together; over it, the oldest go first. */
        maxAudioMegabytes: Type.Integer({ minimum: 1, maximum: 100000, default: 500 }),
        /** How often retention runs (it also runs at start). */
        pruneEveryMinutes: Type.Integer({ minimum: 1, maximum: 1440, default: 60 }),
      },
      { default: {}, additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
export type VisitorTarget = Static<typeof VisitorTargetSchema>;
