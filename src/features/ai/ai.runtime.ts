/** The AI runtime of a process: its dispatcher client (if any), models and deadlines, from the settings. */
import type { Logger } from 'pino';
import type { DispatcherClient } from '../../inference/client.js';
import type { Config } from '../../platform/config/config.js';
import type { Clock } from '../../platform/clock/clock.js';
import type { AiRuntime } from './ai.feature.js';
import type { ChatModelRuntime } from './chat/model.js';

/** The runtime for one rescue's work. */
export function aiRuntimeFrom(config: Config, client: DispatcherClient | undefined, tenant: string, logger?: Logger): AiRuntime {
  const s = config.settings;
  return {
    client, tenant, logger, model: s.KONA_AI_MODEL, visionModel: s.KONA_AI_VISION_MODEL,
    deadlineMs: { drafting: s.KONA_AI_DEADLINE_SECONDS * 1000, batch: s.KONA_AI_BATCH_DEADLINE_SECONDS * 1000 },
  };
}

/** The chat's model runtime for one rescue: first-token and whole-answer deadlines on `clock`. */
export function chatRuntimeFrom(config: Config, client: DispatcherClient | undefined, tenant: string, clock: Clock, logger?: Logger): ChatModelRuntime {
  const s = config.settings;
  return {
    client, tenant, clock, logger, model: s.KONA_AI_MODEL,
    firstTokenMs: Math.min(s.KONA_AI_CHAT_FIRST_TOKEN_SECONDS, s.KONA_AI_DEADLINE_SECONDS) * 1000, answerMs: s.KONA_AI_DEADLINE_SECONDS * 1000,
  };
}
