/** What the chat adds to a dog's hub page: a way in. */
import type { DogPageParts } from '../dogs/dogs.public.js';

/** A link to ask about the dog, for everyone who may see the dog's page. */
export const chatDogPage: DogPageParts = {
  panels: [{
    slot: 'afterBond',
    render: async ({ ctx, dog }) => (
      <section aria-labelledby="ask-about-heading">
        <h2 id="ask-about-heading">Questions about {dog.name}</h2>
        <p><a href={`${ctx.basePath}/hub/dogs/${dog.id}/ask`}>Ask about {dog.name}'s record</a>: answers come only from this record, and say where.</p>
      </section>
    ),
  }],
};
