// What other parts of Kona may use of the vet care-team flow, from the files that hold it.
export { vetSearchRoutes } from './search.routes.js';
export { vetRequestRoutes } from './requests.routes.js';
export { vetRequestsHubRoutes, vetRequestsWaiting } from './requests.hub.routes.js';
export { vetSearchSettingRoutes } from './vets.settings.routes.js';
export { vetSearchNotice, vetSearchSection } from './vets.settings.public.js';
export { verifyCandidateRef, signCandidateRef, assertVerifiedVet } from './search.ref.js';
