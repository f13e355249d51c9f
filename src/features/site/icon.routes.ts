import { sendIcon, type Icon } from '../../platform/http/icon.js';
import { inTenantScope, type TenantRequest } from '../../platform/http/scopes.js';

/** Finds a rescue's own icon (its logo); undefined means Kona's default. */
export type RescueIcon = (request: TenantRequest) => Promise<Icon | undefined>;

const noRescueIcon: RescueIcon = async () => undefined;

/**
 * `GET /favicon.ico` of a rescue's site (under `/r/<slug>/` and on its own hostname): the rescue's
 * icon when a source is wired in (apps/routes.ts), else Kona's. Bytes only, so no page frame is read.
 */
export const rescueIconRoutes = (rescueIcon: RescueIcon = noRescueIcon) => inTenantScope(async (app) => {
  const { assets } = app.kona;
  app.get('/favicon.ico', { config: { permission: 'public', frame: false } }, async (request, reply) =>
    sendIcon(request, reply, (await rescueIcon(request)) ?? assets.favicon));
});
