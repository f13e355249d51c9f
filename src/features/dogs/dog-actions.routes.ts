import { parseForm } from '../../platform/http/forms.js';
import { staffActor } from '../../platform/http/replies.js';
import type { TenantScope } from '../../platform/http/scopes.js';
import { bondDogs, changeDogStatus, recordWeight, unbondDog } from './dog-actions.service.js';
import type { DogPage } from './dog-page.js';
import { bondSchema, dogIdOf, statusChangeSchema, weightSchema } from './dogs.schema.js';

/** The detail page's changes: status and bonded pair (dogs.edit), a weight (care.record: fosters too, on the dogs in their care). */
export function dogActionRoutes(app: TenantScope, dogPage: DogPage): void {
  const edit = { config: { permission: 'dogs.edit' as const } };
  const record = { config: { permission: 'care.record' as const } };

  app.post('/hub/dogs/:id/status', edit, async (request, reply) => {
    const id = dogIdOf(request);
    const parsed = parseForm(statusChangeSchema, request.body);
    if (!parsed.ok) return dogPage.show(request, reply, id, 400, { forms: { status: parsed.state }, message: 'The status was not changed: see the status form.' });
    return dogPage.attempt(request, reply, id, 'status', 'status', () => changeDogStatus(request.tenant.db.kysely, id, parsed.data, staffActor(request)));
  });

  app.post('/hub/dogs/:id/weights', record, async (request, reply) => {
    const id = dogIdOf(request);
    const parsed = parseForm(weightSchema, request.body);
    if (!parsed.ok) return dogPage.show(request, reply, id, 400, { forms: { weight: parsed.state }, message: 'The weight was not recorded: see the weight form.' });
    return dogPage.attempt(request, reply, id, 'weight', 'weight', () => recordWeight(request.tenant.db.kysely, id, parsed.data, staffActor(request)));
  });

  app.post('/hub/dogs/:id/bond', edit, async (request, reply) => {
    const id = dogIdOf(request);
    const parsed = parseForm(bondSchema, request.body);
    if (!parsed.ok) return dogPage.show(request, reply, id, 400, { forms: { bond: parsed.state }, message: 'No pair was linked: choose a dog.' });
    return dogPage.attempt(request, reply, id, 'bond', 'bonded', () => bondDogs(request.tenant.db.kysely, id, parsed.data.partner, staffActor(request)));
  });

  app.post('/hub/dogs/:id/unbond', edit, async (request, reply) => {
    const id = dogIdOf(request);
    return dogPage.attempt(request, reply, id, 'bond', 'unbonded', () => unbondDog(request.tenant.db.kysely, id, staffActor(request)));
  });
}
