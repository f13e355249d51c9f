import { counted, type WaitingItem } from '../dashboard/dashboard.public.js';
import { countSignedAwaitingCompletion } from './contracts.queries.js';

/**
 * The dashboard's "signed, adoption to complete" item: approved applications whose adopter has signed
 * the contract, linked to the approved applications (where the adoption is completed).
 */
export const signedContractsWaiting: WaitingItem = {
  permission: 'applications.view',
  count: (request) => countSignedAwaitingCompletion(request.tenant.db.kysely),
  label: (n) => `${counted(n, 'contract signed', 'contracts signed')}: ${n === 1 ? 'adoption' : 'adoptions'} to complete`,
  path: '/hub/applications?status=approved',
};
