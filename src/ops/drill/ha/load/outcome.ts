import type { WriteOutcome } from '../run.js';

/** What an HTTP answer to a write looked like, as far as the history needs it. */
export interface Answer {
  status: number;
  location: string | null;
  /** Kona's problem code (problem+json `code`), when the answer had one. */
  code?: string;
}

/** A write's outcome, with the status and the error kind the history keeps (never a body). */
export interface Judged {
  outcome: WriteOutcome;
  status?: number;
  error?: string;
}

/**
 * Judges an HTTP answer to a write. `echoed` says whether the answer names the id the client chose
 * (the redirect a form answers with, see kinds). ok only on a success that echoes the id; fail only
 * when Kona knows nothing was committed: a 4xx (the input or the caller was refused before any
 * change) or KONA_ERR_DB_SWITCHING; everything else is indeterminate, including a 503
 * KONA_ERR_WRITE_UNCONFIRMED and any 5xx without a code.
 */
export function judgeAnswer(answer: Answer, echoed: boolean): Judged {
  const { status } = answer;
  if (status >= 200 && status < 400) {
    return echoed ? { outcome: 'ok', status } : { outcome: 'indeterminate', status, error: `${status}-no-echo` };
  }
  if (status >= 400 && status < 500) return { outcome: 'fail', status, error: answer.code ?? String(status) };
  if (answer.code === 'KONA_ERR_DB_SWITCHING') return { outcome: 'fail', status, error: answer.code };
  return { outcome: 'indeterminate', status, error: answer.code ?? String(status) };
}

/** The transport error's kind: a system code (ECONNREFUSED, ECONNRESET…), `timeout`, or the error's name. */
export function transportErrorKind(err: unknown): string {
  const e = err as { name?: string; code?: string; cause?: { code?: string; name?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timeout';
  return e?.cause?.code ?? e?.code ?? e?.cause?.name ?? e?.name ?? 'error';
}

/**
 * Judges a write that got no answer. Only a refused connection proves the request never reached
 * Kona; a reset, a timeout or anything else may have come after Kona committed it.
 */
export function judgeTransportError(err: unknown): Judged {
  const error = transportErrorKind(err);
  return { outcome: error === 'ECONNREFUSED' ? 'fail' : 'indeterminate', error };
}

/**
 * One write sent more than once with the same idempotency key: ok if any attempt was acknowledged;
 * otherwise indeterminate if any attempt may have been committed; fail only if every attempt failed.
 * The status and error are the last attempt's.
 */
export function combineAttempts(previous: Judged | undefined, next: Judged): Judged {
  if (!previous || next.outcome === 'ok') return next;
  if (previous.outcome === 'ok') return previous;
  return { ...next, outcome: previous.outcome === 'indeterminate' ? 'indeterminate' : next.outcome };
}
