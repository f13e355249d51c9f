import { pino, type Logger, type LoggerOptions } from 'pino';

/**
 * Paths that must never reach a log line: credentials, cookies and anything a person typed.
 * Request bodies are never logged at all; these guard the places where they could slip in.
 */
export const redactedPaths = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'password',
  '*.password',
  'email',
  '*.email',
  'token',
  '*.token',
  'body',
  '*.body',
  'databaseUrl',
  '*.databaseUrl',
];

/** Pino options shared by every Kona process: JSON lines, redaction, no PII. */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { service: 'kona' },
    redact: { paths: redactedPaths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
}

/** A logger for processes that are not the web server (CLI, worker). */
export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}

/** Strips credentials from a database URL so it can be shown or logged. */
export function safeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '[unparseable url]';
  }
}
