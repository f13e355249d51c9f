/** An application's advisory review and interview questions: the page, and running them again. */
import { h } from 'preact';
import { notFound } from '../../platform/errors/errors.js';
import { actorCan, idParam, sendPage, tenantDeps } from '../../platform/http/replies.js';
import { inTenantScope } from '../../platform/http/scopes.js';
import { applicationAnswersOf } from '../adoptions/adoptions.public.js';
import { getDog } from '../dogs/dogs.public.js';
import { aiDepsOf } from './ai.requests.js';
import { applicationReview, reviewApplication } from './ai.review.service.js';
import { ReviewPage } from './ai.review.views.js';

/** GET shows the latest review (applications.view); POST reviews again (applications.manage). */
export const reviewRoutes = inTenantScope(async (app) => {
  const { page } = app.kona;

  app.get('/hub/applications/:id/review', { config: { permission: 'applications.view' } }, async (request, reply) => {
    const id = idParam(request, 'That application');
    const { db, keyRing } = tenantDeps(request);
    const found = await applicationAnswersOf(db, keyRing, id);
    if (!found) throw notFound('That application');
    const dog = await getDog(db, found.dogId);
    const review = await applicationReview({ db, ring: keyRing }, id);
    return sendPage(reply, 200, h(ReviewPage, { ctx: page(request, 'hub'), applicationId: id, dogName: dog.name, review, canRun: actorCan(request, 'applications.manage') }));
  });

  app.post('/hub/applications/:id/review', { config: { permission: 'applications.manage' } }, async (request, reply) => {
    const id = idParam(request, 'That application');
    await reviewApplication(aiDepsOf(request), id);
    return reply.redirect(`${request.basePath}/hub/applications/${id}/review`, 303);
  });
});
