/** The AI helpers' hub routes: draft (bio, social posts, alt text), approve (as drafted or edited) and discard. */
import { z } from 'zod';
import { notFound } from '../../platform/errors/errors.js';
import { parseForm } from '../../platform/http/forms.js';
import { inTenantScope, type StaffRequest } from '../../platform/http/scopes.js';
import { dogIdOf, getDog, type DogPage } from '../dogs/dogs.public.js';
import { bioTones } from './ai.bio.js';
import { outputFromForm } from './ai.fields.js';
import { aiDepsOf } from './ai.requests.js';
import { approveDraft, discardDraft, draftAltText, draftBio, draftSocialPosts } from './ai.service.js';

const bioFormSchema = z.object({ tone: z.enum(bioTones).default('warm') });
const photoParams = z.object({ photoId: z.uuid() });
const draftParams = z.object({ draftId: z.uuid() });

function paramOf<S extends z.ZodType>(schema: S, request: StaffRequest, what: string): z.output<S> {
  const parsed = schema.safeParse(request.params);
  if (!parsed.success) throw notFound(what);
  return parsed.data;
}

/** The AI helpers' routes, re-showing the dog's page on a refusal. */
export const aiRoutes = (dogPage: DogPage) => inTenantScope(async (app) => {
  app.post('/hub/dogs/:id/ai/bio', { config: { permission: 'dogs.edit' } }, async (request, reply) => {
    const id = dogIdOf(request);
    return dogPage.attempt(request, reply, id, 'ai-bio', 'ai-drafted', async () => {
      const form = parseForm(bioFormSchema, request.body);
      await draftBio(aiDepsOf(request), id, form.ok ? form.data.tone : 'warm');
    });
  });
  app.post('/hub/dogs/:id/ai/social', { config: { permission: 'dogs.edit' } }, async (request, reply) => {
    const id = dogIdOf(request);
    return dogPage.attempt(request, reply, id, 'ai-social', 'ai-drafted', () => draftSocialPosts(aiDepsOf(request), id));
  });
  app.post('/hub/dogs/:id/photos/:photoId/ai/alt-text', { config: { permission: 'photos.approve' } }, async (request, reply) => {
    const id = dogIdOf(request);
    const { photoId } = paramOf(photoParams, request, 'That photo');
    await getDog(request.tenant.db.kysely, id);
    return dogPage.attempt(request, reply, id, 'ai-alt', 'ai-drafted', () => draftAltText(aiDepsOf(request), id, photoId));
  });
  // Deciding needs dogs.edit here and, per draft, the owning feature's own permission (alt text
  // also photos.approve), which the service checks.
  app.post('/hub/dogs/:id/ai/drafts/:draftId/approve', { config: { permission: 'dogs.edit' } }, async (request, reply) => {
    const id = dogIdOf(request);
    const { draftId } = paramOf(draftParams, request, 'That draft');
    return dogPage.attempt(request, reply, id, 'ai-approve', 'ai-approved', () => approveDraft(aiDepsOf(request), id, draftId, outputFromForm(request.body)));
  });
  app.post('/hub/dogs/:id/ai/drafts/:draftId/discard', { config: { permission: 'dogs.edit' } }, async (request, reply) => {
    const id = dogIdOf(request);
    const { draftId } = paramOf(draftParams, request, 'That draft');
    return dogPage.attempt(request, reply, id, 'ai-discard', 'ai-discarded', () => discardDraft(aiDepsOf(request), id, draftId));
  });
});
