// A spoken prompt made fit for a screen, for nodes and steps that carry no `screen` text of their
// own. On screen the choices are buttons and Back/Repeat are buttons too, so every sentence that
// tells the ear which key to press goes; digits spelled out for the voice ("1 1 2") are joined.
// Pure: the visitor's menu view (menu-view.ts) calls it once per text at load.

/** A sentence that only says which key does what ("For water, press 4.", "Press star to go back."). */
const KEY_INSTRUCTION = /\bpress(?:es|ing)?\s+(?:[0-9]|star|hash|the\s+(?:star|hash))\b/i;

export function screenText(spoken: string): string {
  const sentences = spoken.match(/[^.!?]+[.!?]*/g) ?? [];
  return sentences
    .map((s) => s.trim())
    .filter((s) => s && !KEY_INSTRUCTION.test(s))
    .join(' ')
    .replace(/\b\d(?: \d\b)+/g, (digits) => digits.replace(/ /g, ''));
}

/** Keypad order: 1…9, then 0 (where it sits on a phone), so the first choice is on top. */
export function keypadOrder(a: string, b: string): number {
  const rank = (k: string) => (k === '0' ? 10 : Number(k));
  return rank(a) - rank(b);
}
