/**
 * The names the scrubber removes (people and dogs from Kona's data), from a file the deployment
 * keeps current: one name per line, `#` starts a comment. The file is read again when it changes, so a job can rewrite it
 * while triage runs; a file that cannot be read later keeps the last list (a missing file at start
 * is an error: scrubbing without the names would be silent).
 */
import { readFileSync, statSync } from 'node:fs';

/** The names in a names file's text, one a line (the Scrubber also removes a full name's parts). */
export function parseNames(text: string): string[] {
  const names = new Set<string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line.length >= 2) names.add(line);
  }
  return [...names];
}

/** A reader of the names file that rereads it when its modification time or size changes. */
export function namesFromFile(file: string, onError: (err: Error) => void = () => {}): () => readonly string[] {
  const read = (): { key: string; names: string[] } => {
    const st = statSync(file);
    return { key: `${st.mtimeMs}:${st.size}`, names: parseNames(readFileSync(file, 'utf8')) };
  };
  let current = read();
  return () => {
    try {
      const st = statSync(file);
      if (`${st.mtimeMs}:${st.size}` !== current.key) current = read();
    } catch (err) {
      onError(err as Error);
    }
    return current.names;
  };
}
