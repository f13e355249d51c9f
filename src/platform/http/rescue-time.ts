/**
 * The request's rescue's time: its locale (read once per request with its settings, see
 * guards.loadRescueSettings) and its calendar day now, by the app's clock (tests move a ManualClock).
 */
import type { FastifyRequest } from 'fastify';
import { systemClock } from '../clock/clock.js';
import { dayIn, defaultRescueLocale, type RescueLocale } from '../locale/index.js';

/** How the request's rescue reads dates and money; the default outside a rescue. */
export function localeOf(request: FastifyRequest): RescueLocale {
  return request.rescueLocale ?? defaultRescueLocale;
}

/** Now, by the app's clock. */
export function nowOf(request: FastifyRequest): Date {
  return new Date((request.server.kona.ctx.clock ?? systemClock).now());
}

/** The rescue's calendar day now (YYYY-MM-DD in its time zone): what "today" and "due today" mean to it. */
export function rescueTodayOf(request: FastifyRequest): string {
  return dayIn(nowOf(request), localeOf(request).timeZone);
}
