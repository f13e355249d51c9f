/** What a hub request gives the AI service: the rescue's database, key ring, blob store, runtime and the member acting. */
import { rescueTodayOf } from '../../platform/http/rescue-time.js';
import { actorCan, staffActor } from '../../platform/http/replies.js';
import type { StaffRequest } from '../../platform/http/scopes.js';
import { photoStoreOf } from '../photos/photos.public.js';
import { aiRuntimeFrom } from './ai.runtime.js';
import type { AiDeps } from './ai.service.js';

/** The AI service's dependencies for this request. */
export function aiDepsOf(request: StaffRequest): AiDeps {
  const { ctx } = request.server.kona;
  return {
    db: request.tenant.db.kysely, ring: ctx.secrets.keyRing, actor: staffActor(request), today: rescueTodayOf(request), store: photoStoreOf(request),
    can: (permission) => actorCan(request, permission),
    rt: aiRuntimeFrom(ctx.config, ctx.inference, request.tenant.slug, ctx.logger.child({ component: 'ai' })),
  };
}
