/** What the rest of Kona may use of the vets feature. */
export { vetAccountRoutes } from './accounts.routes.js';
export { hubVetsRoutes, operatorVetsRoutes } from './verify.routes.js';
export { vetsEncryptedColumns } from './accounts.encryption.js';
export { vetAccessRoutes } from './access.routes.js';
export { grantRefusalMessage, loadGrantForVet, type OpenGrant } from './grants.js';
export { vetGrantHubRoutes } from './grants.routes.js';
export { vetThreadEncryptedColumns } from './thread.columns.js';
export { vetSearchRoutes } from './search.routes.js';
export { vetRequestRoutes } from './requests.routes.js';
export { vetRequestsHubRoutes, vetRequestsWaiting } from './requests.hub.routes.js';
export { vetSearchSettingRoutes } from './vets.settings.routes.js';
export { vetSearchNotice, vetSearchSection } from './vets.settings.public.js';
export { verifyCandidateRef, signCandidateRef, assertVerifiedVet } from './search.ref.js';
