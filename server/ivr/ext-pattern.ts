// Asterisk extension patterns (`6XXX`, `N[1-5]X`), fixed length only: a position-wise set of
// digits, so the validator can prove a visitor's pattern stays inside the home plan (_6XXX)
// without enumerating anything.

export type DigitSets = Set<string>[];

const ALL = '0123456789';

export function parseExtPattern(pattern: string): DigitSets | null {
  const sets: DigitSets = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c >= '0' && c <= '9') sets.push(new Set(c));
    else if (c === 'X') sets.push(new Set(ALL));
    else if (c === 'Z') sets.push(new Set(ALL.slice(1)));
    else if (c === 'N') sets.push(new Set(ALL.slice(2)));
    else if (c === '[') {
      const end = pattern.indexOf(']', i);
      if (end < 0) return null;
      const body = pattern.slice(i + 1, end);
      const set = new Set<string>();
      for (let j = 0; j < body.length; j++) {
        if (body[j + 1] === '-' && body[j + 2] !== undefined) {
          const [a, b] = [body.charCodeAt(j), body.charCodeAt(j + 2)];
          if (a > b) return null;
          for (let k = a; k <= b; k++) set.add(String.fromCharCode(k));
          j += 2;
        } else if (/[0-9]/.test(body[j]!)) set.add(body[j]!);
        else return null;
      }
      if (!set.size) return null;
      sets.push(set);
      i = end;
    } else return null;
  }
  return sets.length ? sets : null;
}

export function matchesExt(sets: DigitSets, digits: string): boolean {
  return digits.length === sets.length && [...digits].every((d, i) => sets[i]!.has(d));
}

/** True when every string `inner` matches is also matched by `outer`. */
export function patternWithin(inner: DigitSets, outer: DigitSets): boolean {
  return inner.length === outer.length && inner.every((set, i) => [...set].every((d) => outer[i]!.has(d)));
}

/** The owner's internal extension plan: 4 digits starting with 6. */
export const HOME_PLAN = parseExtPattern('6XXX')!;
