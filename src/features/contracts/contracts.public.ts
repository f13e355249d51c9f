/** What other features may use of adoption contracts: the dashboard's count, and the export. */
export { signedContractsWaiting } from './contracts.dashboard.js';
export { exportContracts, type ExportedContract } from './contracts.export.js';
export { contractStoreFor, liveContractOf, signedContractPdf, type LiveContract } from './contracts.store.js';
