/**
 * Plain-text templates with {{name}} placeholders (spaces inside the braces allowed). Each feature
 * keeps its own list of names, with what each stands for; this module only finds and fills them.
 */

/** A feature's placeholders: name → what it becomes, as shown to whoever writes the template. */
export type PlaceholderList = Readonly<Record<string, string>>;

/** The values one text is filled with: one per placeholder of the list. */
export type PlaceholderValues<L extends PlaceholderList> = Record<keyof L & string, string>;

const placeholderPattern = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Whether a name is one of the list's placeholders (its own names only: "constructor" is not one). */
export function isPlaceholder<L extends PlaceholderList>(list: L, name: string): name is keyof L & string {
  return Object.hasOwn(list, name);
}

/** The placeholders a text uses that the list does not have (each once, in order of appearance). */
export function unknownPlaceholders(list: PlaceholderList, text: string): string[] {
  const found = [...text.matchAll(placeholderPattern)].map((m) => m[1]!).filter((name) => !isPlaceholder(list, name));
  return [...new Set(found)];
}

/** Whether a "{{" or "}}" is left once the placeholders are taken out: almost always a typo. */
export function hasStrayBraces(text: string): boolean {
  const rest = text.replace(placeholderPattern, '');
  return rest.includes('{{') || rest.includes('}}');
}

/**
 * Fills a text's placeholders. An unknown one is left as typed (`keep`) or throws (`throw`, for
 * texts that were checked when saved, where an unknown name means a bug, not a typo).
 */
export function fillPlaceholders<L extends PlaceholderList>(list: L, text: string, values: PlaceholderValues<L>, unknown: 'keep' | 'throw' = 'keep'): string {
  return text.replace(placeholderPattern, (whole, name: string) => {
    if (isPlaceholder(list, name)) return values[name]!;
    if (unknown === 'throw') throw new Error(`The template uses an unknown placeholder {{${name}}}`);
    return whole;
  });
}
