import type { FeatureRoutes } from '../platform/http/server.js';
import { authRoutes } from '../features/auth/auth.routes.js';
import { dashboardRoutes } from '../features/dashboard/dashboard.routes.js';
import { landingRoutes, publicSiteRoutes } from '../features/site/site.routes.js';
import { healthRoutes } from '../platform/http/health.routes.js';

/** Every feature's routes, by where they mount. The one place a new feature is added. */
export const featureRoutes: FeatureRoutes = {
  root: [healthRoutes, landingRoutes],
  tenant: [publicSiteRoutes, authRoutes, dashboardRoutes],
  operator: [],
};
