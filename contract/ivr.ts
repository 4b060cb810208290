// The operator menu as the visitor's widget sees it, shared by the edge (server/ivr/menu-view.ts
// builds it, server/ivr/side-channel.ts sends it) and the widget (web/ivr/ reads it). See
// docs/edge-api.md: GET /api/ivr/menu, and the in-call side channel's MESSAGE body.

/** Content-Type of the side channel's MESSAGEs: one menu node each. */
export const IVR_NODE_CONTENT_TYPE = 'application/vnd.homeline.ivr+json';

/** One option of a menu node, as GET /api/ivr/menu lists it. Never numbers or dial strings. */
export interface ViewOption {
  key: string;
  label: string;
  kind: string;
  goto?: string;
  /** What a `say` or `hangup` step tells the caller (the safety instructions of the emergency menu), as written for a screen. */
  text?: string;
  /** What a `ring` reaches, without numbers: the owner's ring group, or other home extensions. */
  rings?: 'owner' | 'extension';
}

/** Body of a side-channel MESSAGE: the node the visitor's call is in now. */
export interface IvrNodeBody {
  type: 'ivr-node';
  node: string;
  /** The interpreter's mode: `menu` when the caller picks from `options`. */
  mode: string;
  title: string;
  text: string;
  options: { key: string; label: string }[];
  /** The menu's start node: `*` has nowhere to go back to, so the widget offers no Back. */
  top?: boolean;
}
