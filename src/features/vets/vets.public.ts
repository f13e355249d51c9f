/** What the rest of Kona may use of the vets feature. */
export { vetAccountRoutes } from './accounts.routes.js';
export { hubVetsRoutes, operatorVetsRoutes } from './verify.routes.js';
export { vetsEncryptedColumns } from './accounts.encryption.js';
export { vetAccessRoutes } from './access.routes.js';
export { grantRefusalMessage, loadGrantForVet, type OpenGrant } from './grants.js';
export { vetGrantHubRoutes } from './grants.routes.js';
export { vetThreadEncryptedColumns } from './thread.columns.js';
