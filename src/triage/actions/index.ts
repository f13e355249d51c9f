/**
 * The actions module's public surface for the service. kubernetes.ts is deliberately not re-exported:
 * createExecutor imports it only when the policy names the kubernetes executor.
 */
export { actionsPolicySchema, type ActionsPolicy, type ActionsSettings } from './actions.schema.js';
export { catalogue, declaredReplicasAnnotation, targetFromLabels, type ActionRequest, type ActionTarget } from './catalogue.js';
export { type ActionExecutor, type Check, type Executed } from './executor.js';
export { createExecutor } from './executors.js';
export { ActionLimits, type LimitVerdict } from './limits.js';
export { ActionsLog, type ActionRecord } from './records.js';
export { actionRoutes, type ActionRoutesOptions } from './routes.js';
export { ActionRunner, type ActionContext, type ActionRunnerOptions } from './runner.js';
export { withActionsTable, type ActionsDatabase, type ActionsSchema, type ActionStatus } from './schema.js';
export { ActionsTable } from './view.js';
