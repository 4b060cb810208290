// The console speaks the owner's language: `?lang=de` in its address if given (a bookmark for an
// owner whose browser prefers another), else the browser's preferred languages
// (navigator.languages), else English. The page's own lang="en" says only what its fallback
// markup is in, so it is not asked. Runs before anything renders: it makes the chosen catalogue
// the one every console module reads (ownerStrings is a live binding) and puts its words into
// the static page (index.html).
//
// The catalogues are imported, not fetched lazily, and the rule is not web/shared/lang.ts's
// import: any module (or Vite's preload helper) shared with the call button's loader would become
// a chunk of its own that every page embedding the button fetches before the button shows.
// test/e2e/i18n-pure.test.ts runs the same cases through both.
import { englishOwnerStrings, useOwnerStrings, type OwnerStrings } from './strings.ts';
import { ownerStrings as german } from './strings.de.ts';

const catalogues: Record<string, OwnerStrings> = { en: englishOwnerStrings, de: german };

/** The first tag whose primary language has a catalogue (de-AT → de), else English. */
export function consoleLang(tags: readonly (string | null | undefined)[]): string {
  const primary = (t: string | null | undefined) => /^\s*([a-z]{2,3})(?:[-_]|\s*$)/i.exec(t ?? '')?.[1]?.toLowerCase() ?? '';
  return tags.map(primary).find((l) => Object.hasOwn(catalogues, l)) ?? 'en';
}

export function chooseConsoleLanguage(doc: Document = document): OwnerStrings {
  const S = catalogues[consoleLang([new URL(doc.URL).searchParams.get('lang'), ...navigator.languages])];
  useOwnerStrings(S);
  localizePage(doc, S);
  return S;
}

/**
 * Fills the page's fixed words from the catalogue: `data-s="key.path"` names the text of an
 * element, `data-s-label="key.path"` its aria-label. test/e2e/i18n-pure.test.ts checks that
 * index.html has no words outside them.
 */
export function localizePage(doc: Document, S: OwnerStrings): void {
  doc.documentElement.lang = S.locale;
  doc.title = S.title;
  for (const el of doc.querySelectorAll<HTMLElement>('[data-s]')) el.textContent = wordAt(S, el.dataset.s!);
  for (const el of doc.querySelectorAll<HTMLElement>('[data-s-label]')) el.setAttribute('aria-label', wordAt(S, el.dataset.sLabel!));
}

/** `status.offline` → S.status.offline; a path that names no string is a bug worth seeing. */
function wordAt(S: OwnerStrings, path: string): string {
  const v = path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), S);
  if (typeof v !== 'string') throw new Error(`index.html names ${path}, which is not a string in the console's catalogue`);
  return v;
}
