import type { Actor } from '../../platform/audit/audit.js';
import { contactFormSchema } from './people.schema.js';
import { createContact, type PeopleDeps } from './people.service.js';

/** Made-up contacts of the demo rescue: its vet and a volunteer who shares a phone with an applicant. */
export async function seedDemoContacts(deps: PeopleDeps, actor: Actor): Promise<{ vetId: string }> {
  const vetId = await createContact(deps, contactFormSchema.parse({
    name: 'Dr Rosa Example (demo)', email: 'vet@demo.kona.local', phone: '+44 20 7946 0100', address: '1 Clinic Lane, Demotown',
    organisation: 'Demo Vet Clinic', notes: 'Our main vet. Open Saturday mornings. (Demo contact.)', roles: 'vet',
  }), actor);
  await createContact(deps, contactFormSchema.parse({
    name: 'Samantha Rivera (demo)', phone: '07700 900201', roles: 'foster',
    notes: 'Offered to foster puppies over the summer. (Demo contact: shares a phone number with an applicant, so both are flagged as likely duplicates.)',
  }), actor);
  return { vetId };
}
