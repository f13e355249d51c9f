/** An output's text fields as form fields (`f.bio`, `f.x.short`) and back: edit-then-approve works on any feature's output. */

/** The string leaves of an output, by dotted path, in order. */
export function textFieldsOf(output: Record<string, unknown>, prefix = ''): Array<[string, string]> {
  return Object.entries(output).flatMap(([k, v]): Array<[string, string]> => {
    if (typeof v === 'string') return [[`${prefix}${k}`, v]];
    if (v && typeof v === 'object' && !Array.isArray(v)) return textFieldsOf(v as Record<string, unknown>, `${prefix}${k}.`);
    return [];
  });
}

/** Rebuilds an output from posted `f.<path>` fields; undefined when none were posted. */
export function outputFromForm(body: unknown): Record<string, unknown> | undefined {
  const entries = Object.entries((body ?? {}) as Record<string, unknown>).filter(([k, v]) => k.startsWith('f.') && typeof v === 'string');
  if (entries.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    const parts = key.slice(2).split('.');
    if (parts.some((p) => !/^[A-Za-z][A-Za-z0-9_-]*$/.test(p))) continue; // never __proto__ and the like
    let node = out;
    for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
    node[parts.at(-1)!] = value;
  }
  return out;
}
