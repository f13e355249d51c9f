/** What the fosters feature adds to a dog's hub page: the foster panel, the note form, timeline entries. */
import type { DogPageParts } from '../dogs/dogs.public.js';
import { tenantDeps } from '../../platform/http/replies.js';
import { fosterPanelData } from './fosters.homes.js';
import { FosterPanel, NoteForm } from './fosters.panel.js';
import { mayManageFosters, mayWriteNote } from './fosters.policy.js';
import { fosterEntries, noteEntries } from './fosters.timeline.js';

/** The foster home panel and, for those who may write one, the note form (one read for both). */
export const fostersDogPage: DogPageParts = {
  timeline: [noteEntries, fosterEntries],
  panels: [{
    slot: 'afterWeights',
    render: async ({ request, ctx, dog, today, forms }) => {
      const foster = await fosterPanelData(tenantDeps(request), dog);
      const member = request.actor;
      return (
        <>
          <FosterPanel ctx={ctx} dogId={dog.id} dogName={dog.name} foster={foster} canManage={mayManageFosters(member)} today={today} form={forms.foster} endForm={forms.fosterEnd} />
          {mayWriteNote(member, foster.current?.fosterId ?? null) && <NoteForm ctx={ctx} dogId={dog.id} dogName={dog.name} form={forms.note} />}
        </>
      );
    },
  }],
  notices: {
    fostered: 'The dog was placed in the foster home and the placement added to the history. Its status stays as it is: a dog in foster can be available.',
    foster_ended: 'The foster placement was ended: the dog is back at the rescue. The status stays as it is until staff change it.',
    note: 'The note was added to the timeline.',
  },
};
