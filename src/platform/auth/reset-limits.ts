import { KonaError } from '../errors/errors.js';

/** Self-service password reset requests allowed per email and per client address, over a window. */
export const resetLimits = { perAccount: 3, perAddress: 10, windowMinutes: 60 };

/** Requests in the window, and when the oldest of them was made. */
export interface WindowCount {
  count: number;
  oldest: Date | null;
}

/** The start of the window the limits count over. */
export function resetWindowStart(now: number): Date {
  return new Date(now - resetLimits.windowMinutes * 60_000);
}

/**
 * Refuses a reset request over either limit, saying when to come back: the oldest request in the
 * window leaving it frees a place. Requests for unknown emails count too, so the refusal reveals nothing.
 */
export function assertResetAllowed(account: WindowCount, fromAddress: WindowCount, now: number): void {
  const over = account.count >= resetLimits.perAccount ? account : fromAddress.count >= resetLimits.perAddress ? fromAddress : undefined;
  if (!over) return;
  const retryAfterSeconds = Math.max(60, Math.ceil(((over.oldest?.getTime() ?? now) + resetLimits.windowMinutes * 60_000 - now) / 1000));
  const minutes = Math.ceil(retryAfterSeconds / 60);
  const who = over === account ? 'for this email address' : 'from your network';
  throw new KonaError('KONA_ERR_RATE_LIMITED', `Too many password reset requests ${who}. Try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`, { retryAfterSeconds });
}
