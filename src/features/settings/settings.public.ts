/** What other features (wired in apps/routes.ts) take from the rescue settings. */
import type { DefaultFees } from '../dogs/dogs.public.js';
import { getRescueSettings } from './settings.service.js';

export { rescueLogoIcon } from './settings.logo.routes.js';

/** The rescue's default adoption fee by dog size, for a new dog's fee. */
export const rescueDefaultFees: DefaultFees = async (request) => {
  const s = await getRescueSettings(request.tenant.db.kysely, request.tenant.name);
  return { small: s.fee_small, medium: s.fee_medium, large: s.fee_large, xl: s.fee_xl };
};
