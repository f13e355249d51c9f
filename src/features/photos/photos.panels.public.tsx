/** What the photos feature adds to a dog's hub page: the photos panel, its notices, timeline entries. */
import type { DogPageParts } from '../dogs/dogs.public.js';
import { photosPanelPropsOf } from './photos.panel.js';
import { selectPhotos } from './photos.queries.js';
import type { UploadResult } from './photos.receive.js';
import { photoTimelineEntries } from './photos.timeline.js';
import { PhotosPanel } from './photos.views.js';

/** The key under which the upload route passes its results when it re-shows the dog's page. */
export const uploadResultsKey = 'photos.uploadResults';

/** Every photo of the dog, whatever its review status, with the forms this person may use. */
export const photosDogPage: DogPageParts = {
  timeline: [photoTimelineEntries],
  panels: [{
    slot: 'afterStatus',
    render: async ({ request, ctx, dog, state }) => {
      const photos = await selectPhotos(request.tenant.db.kysely, dog.id);
      return <PhotosPanel {...photosPanelPropsOf(request, ctx, dog, photos, state[uploadResultsKey] as UploadResult[] | undefined)} />;
    },
  }],
  notices: {
    'photo-approved': 'The photo was approved.',
    'photo-rejected': 'The photo was rejected; it will not appear publicly.',
    'photo-primary': 'That photo is now the primary photo.',
    'photo-moved': 'The photo was moved.',
    'photo-alt': 'The alt text was saved.',
    'photo-deleted': 'The photo was deleted.',
  },
};
