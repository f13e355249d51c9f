/**
 * The actions JSON API: `GET /api/actions?limit=&before=` lists action rows newest first, and
 * `POST /api/actions/:id/acknowledge` is the human acknowledgement that lets triage act again on a
 * target whose action failed or did not hold. Both sit under /api, so the server's credentials
 * protect them like the rest of the API.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ActionRunner } from './runner.js';

/** Options of the actions routes plugin. */
export interface ActionRoutesOptions {
  runner: Pick<ActionRunner, 'log' | 'acknowledge'>;
}

const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.string().regex(/^\d{1,18}$/, 'must be an action id').optional(),
});

/** Fastify plugin: the actions list and the acknowledgement of a failed action. */
export const actionRoutes: FastifyPluginAsync<ActionRoutesOptions> = async (app: FastifyInstance, opts) => {
  const { runner } = opts;

  app.get('/api/actions', async (req, reply) => {
    const q = listQuery.safeParse(req.query);
    if (!q.success) return reply.code(400).send({ error: 'invalid query', problems: q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
    return { actions: await runner.log.list(q.data) };
  });

  app.post<{ Params: { id: string } }>('/api/actions/:id/acknowledge', async (req, reply) => {
    const action = await runner.log.get(req.params.id);
    if (action === undefined) return reply.code(404).send({ error: `no action ${req.params.id}`, problems: [] });
    if (action.status !== 'failed' && action.status !== 'verify-failed') {
      return reply.code(409).send({ error: `action ${action.id} is ${action.status}: only a failed action is acknowledged`, problems: [] });
    }
    if (action.acknowledgedAt !== null) return reply.code(409).send({ error: `action ${action.id} was already acknowledged`, problems: [] });
    const acknowledged = await runner.acknowledge(action.id);
    return { acknowledged, action: await runner.log.get(action.id) };
  });
};
