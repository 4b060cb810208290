// Which language to speak, from BCP 47 tags in order of preference (an element's `lang`, the
// browser's `navigator.languages`). Pure, so the widget's loader and the console share it and
// tests feed it strings. Only the primary subtag counts: de-AT and de-CH read the German catalogue.

/** Languages with a complete catalogue. English is built in; the others are lazy chunks. */
export const LANGUAGES = ['en', 'de'] as const;
export type Lang = (typeof LANGUAGES)[number];

/** The first tag whose language has a catalogue, else English. Empty and malformed tags are skipped. */
export function pickLang(tags: readonly (string | null | undefined)[]): Lang {
  for (const tag of tags) {
    const primary = /^\s*([a-z]{2,3})(?:[-_]|\s*$)/i.exec(tag ?? '')?.[1]?.toLowerCase();
    if (primary && (LANGUAGES as readonly string[]).includes(primary)) return primary as Lang;
  }
  return 'en';
}

/**
 * The language an element's text is in, as HTML defines it: its own or its nearest ancestor's
 * `lang` attribute (an empty one means "unknown", so English).
 */
export function elementLang(el: Element): Lang {
  return pickLang([el.closest('[lang]')?.getAttribute('lang')]);
}
