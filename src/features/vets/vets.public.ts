/** What the rest of Kona may use of the vets feature: its routes, and its encrypted control-plane columns. */
export { vetAccountRoutes } from './accounts.routes.js';
export { hubVetsRoutes, operatorVetsRoutes } from './verify.routes.js';
export { vetsEncryptedColumns } from './accounts.encryption.js';
