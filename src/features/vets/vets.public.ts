/** What other parts of Kona may use of the vets feature. */
export { vetAccessRoutes } from './access.routes.js';
export { grantRefusalMessage, loadGrantForVet, type OpenGrant } from './grants.js';
export { vetGrantHubRoutes } from './grants.routes.js';
export { vetThreadEncryptedColumns } from './thread.columns.js';
