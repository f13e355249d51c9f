// The vets feature's section of the hub settings page: all the settings feature takes from vets,
// through this narrow face, so the settings page does not pull in the rest of the feature.
export { vetSearchNotice, vetSearchSection } from './vets.settings.js';
