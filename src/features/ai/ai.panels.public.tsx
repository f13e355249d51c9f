/** What the AI feature adds to a dog's hub page: the AI helpers section and its notices. */
import { actorCan } from '../../platform/http/replies.js';
import type { DogPageParts } from '../dogs/dogs.public.js';
import { selectPhotos } from '../photos/photos.public.js';
import { openDrafts } from './ai.service.js';
import { AiPanel } from './ai.views.js';

/** The AI helpers panel, shown to members who may edit the dog or approve its photos. */
export const aiDogPage: DogPageParts = {
  panels: [{
    slot: 'afterWeights',
    render: async ({ request, ctx, dog }) => {
      const canDraftDog = actorCan(request, 'dogs.edit');
      const canDraftPhotos = actorCan(request, 'photos.approve');
      if (!canDraftDog && !canDraftPhotos) return null;
      const db = request.tenant.db.kysely;
      const photos = (await selectPhotos(db, dog.id)).filter((p) => p.status === 'approved').map((p, i) => ({ id: p.id, label: `photo ${i + 1}` }));
      const drafts = (await openDrafts(db, request.server.kona.ctx.secrets.keyRing, dog.id))
        // An alt text draft shows only while its photo is still approved (a deleted or rejected photo's draft has nowhere to go).
        .filter((d) => (d.feature === 'alt-text' ? canDraftPhotos && photos.some((p) => p.id === d.subjectId) : canDraftDog));
      return <AiPanel ctx={ctx} dogId={dog.id} dogName={dog.name} canDraftDog={canDraftDog} canDraftPhotos={canDraftPhotos} photos={photos} drafts={drafts} />;
    },
  }],
  notices: {
    'ai-drafted': 'A draft is ready below. Nothing is published until you approve it.',
    'ai-approved': 'The draft was approved and saved.',
    'ai-discarded': 'The draft was discarded.',
  },
};
