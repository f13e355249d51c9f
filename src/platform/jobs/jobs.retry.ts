/** Longest text kept in `jobs.last_error`. */
export const maxErrorLength = 2000;

const baseDelayMs = 2000;
const maxDelayMs = 60 * 60 * 1000;

/**
 * Delay before retrying after the given failed attempt: 2 s doubling per attempt, capped at 1 h.
 * Half of it is random so jobs that failed together (an outage) do not all retry in the same instant.
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

function payloadStrings(value: unknown, found: Set<string>, depth = 0): void {
  if (depth > 8 || found.size >= 200) return;
  if (typeof value === 'string') {
    // Short strings ("ok", "en") would mangle ordinary words and identify no one.
    if (value.length >= 4) found.add(value);
  } else if (Array.isArray(value)) {
    for (const item of value) payloadStrings(item, found, depth + 1);
  } else if (value && typeof value === 'object') {
    for (const item of Object.values(value)) payloadStrings(item, found, depth + 1);
  }
}

/** The text stored as `last_error`: name and message, payload strings masked, at most 2000 characters. */
export function describeJobError(err: unknown, payload: unknown): string {
  let text = err instanceof Error ? `${err.name}: ${err.message}` : `Non-error thrown: ${String(err)}`;
  // Payloads may hold personal data and handlers often interpolate them into messages.
  const secrets = new Set<string>();
  payloadStrings(payload, secrets);
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) text = text.split(secret).join('[payload]');
  return text.length > maxErrorLength ? `${text.slice(0, maxErrorLength - 1)}…` : text;
}
