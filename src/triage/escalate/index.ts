/** Escalation (helper F): what the triage service wires — see Escalator, escalationRoutes, EscalationsTable. */
export { createChannels, ChannelError, type Channel } from './channels.js';
export { channelNames, escalationPolicySchema, tierFor, type ChannelName, type EscalationPolicy, type EscalationSettings, type EscalationTier } from './escalation.schema.js';
export { ackLink, Escalator, tokenHash, type AckResult, type EscalationInput, type EscalationLogger, type EscalationOutcome, type EscalatorOptions } from './escalator.js';
export type { AlertContext, EscalationMessage, MessageContext } from './message.js';
export type { EscalationSummary } from './repo.js';
export { escalationRoutes, type EscalationRoutesOptions } from './routes.js';
export type { EscalationStatus, EscalationTables } from './schema.js';
export { EscalationsTable } from './view.js';
