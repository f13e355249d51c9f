/** What the medical feature adds to a dog's hub page: a link to its medical record, timeline entries. */
import type { DogPageParts } from '../dogs/dogs.public.js';
import { actorCan } from '../../platform/http/replies.js';
import { medicalTimelineEntries } from './medical.timeline.js';

/** The link to the dog's medical page, for those who may read medical records. */
export const medicalDogPage: DogPageParts = {
  timeline: [medicalTimelineEntries],
  panels: [{
    slot: 'afterBond',
    render: async ({ request, ctx, dog }) => actorCan(request, 'medical.view') ? (
      <section aria-labelledby="medical-heading">
        <h2 id="medical-heading">Medical</h2>
        <p><a href={`${ctx.basePath}/hub/dogs/${dog.id}/medical`}>Vaccinations, treatments, vet visits and weights of {dog.name}</a></p>
      </section>
    ) : null,
  }],
};
