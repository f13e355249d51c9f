/** The AI runtime of a process: its dispatcher client (if any), models and deadlines, from the settings. */
import type { Logger } from 'pino';
import type { DispatcherClient } from '../../inference/client.js';
import type { Config } from '../../platform/config/config.js';
import type { AiRuntime } from './ai.feature.js';

/** The runtime for one rescue's work. */
export function aiRuntimeFrom(config: Config, client: DispatcherClient | undefined, tenant: string, logger?: Logger): AiRuntime {
  const s = config.settings;
  return {
    client, tenant, logger, model: s.KONA_AI_MODEL, visionModel: s.KONA_AI_VISION_MODEL,
    deadlineMs: { drafting: s.KONA_AI_DEADLINE_SECONDS * 1000, batch: s.KONA_AI_BATCH_DEADLINE_SECONDS * 1000 },
  };
}
