import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { bannerTexts, upcomingWindows, type MaintenanceWindow } from './maintenance.service.js';

// Windows change a few times a year; reading them once per 30 s per process is plenty.
const cacheMs = 30_000;

/** Puts announced maintenance on every request's site notices (shown in the hub and console). */
export const maintenanceNotices: FastifyPluginAsync = fp(async (app) => {
  const { ctx } = app.kona;
  let cached: { at: number; windows: MaintenanceWindow[] } | undefined;
  app.decorate('refreshMaintenance', () => {
    cached = undefined;
  });
  app.addHook('onRequest', async (request) => {
    if (!cached || Date.now() - cached.at > cacheMs) {
      try {
        cached = { at: Date.now(), windows: await upcomingWindows(ctx.control.kysely) };
      } catch (err) {
        // A banner is never worth failing a page for.
        request.log.warn({ err: (err as Error).message }, 'maintenance windows unavailable');
        cached = { at: Date.now(), windows: cached?.windows ?? [] };
      }
    }
    request.siteNotices = bannerTexts(cached.windows);
  });
});

declare module 'fastify' {
  interface FastifyInstance {
    /** Forgets the cached windows (after this process changed them). */
    refreshMaintenance?: () => void;
  }
}
