import { Csrf, Layout, type PageContext } from '../../platform/http/views/layout.js';
import { defaultRescueLocale, formatMoney, type RescueLocale } from '../../platform/locale/index.js';
import type { DefaultFeesBySize } from './dogs.fees.js';
import { ErrorSummary, Field, type FormState, Select, TextArea } from '../../platform/http/views/forms.js';
import { chosenWhereaboutsChoices, energyChoices, intakeTypeChoices, sexChoices, sizeChoices, spayNeuterChoices, tristateChoices } from './dogs.fields.js';
import type { DogRow } from './dogs.queries.js';
import { ageOn, formatCents } from './dogs.values.js';

/** What a new dog's form starts with. */
export function newDogValues(today: string): Record<string, string> {
  return { sex: 'unknown', spay_neuter: 'unknown', intake_date: today, whereabouts: 'rescue', good_with_dogs: 'unknown', good_with_cats: 'unknown', good_with_children: 'unknown', on_hold: 'no' };
}

/** A stored dog as the edit form's text values; an estimated birth date shows as the age it stands for. */
export function dogFormValues(dog: DogRow, today: string): Record<string, string> {
  const age = dog.birth_date && dog.birth_date_estimated ? ageOn(dog.birth_date, today) : undefined;
  return {
    name: dog.name,
    sex: dog.sex,
    birth_date: dog.birth_date && !dog.birth_date_estimated ? dog.birth_date : '',
    age_years: age ? String(age.years) : '',
    age_months: age ? String(age.months) : '',
    breeds: dog.breeds.join(', '),
    size: dog.size,
    colour: dog.colour,
    microchip: dog.microchip ?? '',
    spay_neuter: dog.spay_neuter,
    intake_date: dog.intake_date,
    intake_type: dog.intake_type,
    source: dog.source,
    whereabouts: dog.whereabouts,
    location: dog.location,
    good_with_dogs: dog.good_with_dogs,
    good_with_cats: dog.good_with_cats,
    good_with_children: dog.good_with_children,
    energy: dog.energy ?? '',
    special_needs: dog.special_needs,
    adoption_fee: dog.adoption_fee_cents === null ? '' : formatCents(dog.adoption_fee_cents),
    public_description: dog.public_description,
    on_hold: dog.on_hold ? 'yes' : 'no',
    hold_reason: dog.hold_reason,
    staff_contact_id: dog.staff_contact_id ?? '',
  };
}

const pick = (label: string, list: { value: string; label: string }[]) => [{ value: '', label }, ...list];

// A new dog's fee left empty takes its size's default (the rescue's settings): the hint says which.
function feeHint(defaults: DefaultFeesBySize | undefined, locale: RescueLocale): string {
  const set = sizeChoices.filter((c) => typeof defaults?.[c.value] === 'number').map((c) => `${c.label.toLowerCase()} ${formatMoney(defaults![c.value]!, locale)}`);
  if (set.length === 0) return 'An amount like 150 or 150.00. Leave empty if not set.';
  return `An amount like 150 or 150.00. Left empty, it is the rescue's default for the dog's size: ${set.join(', ')}.`;
}

/** The create and edit form of a dog. */
export function DogFormPage(props: { ctx: PageContext; form: FormState; dog?: { id: string; name: string; whereabouts: string }; message?: string; staffContacts: { id: string; name: string }[]; /** The rescue's default fee by size, for a new dog's fee. */ feeDefaults?: DefaultFeesBySize }) {
  const { ctx, form, dog } = props;
  const contacts = [{ value: '', label: 'None: all admins and staff' }, ...props.staffContacts.map((s) => ({ value: s.id, label: s.name }))];
  const title = dog ? `Edit ${dog.name}` : 'Add a dog';
  const action = dog ? `${ctx.basePath}/hub/dogs/${dog.id}` : `${ctx.basePath}/hub/dogs`;
  return (
    <Layout ctx={ctx} title={title}>
      <p><a href={dog ? `${ctx.basePath}/hub/dogs/${dog.id}` : `${ctx.basePath}/hub/dogs`}>{dog ? `Back to ${dog.name}` : 'Back to the dogs'}</a></p>
      <h1>{title}</h1>
      <ErrorSummary form={form} message={props.message} />
      <form method="post" action={action} class="stack" novalidate>
        <Csrf token={ctx.csrfToken} />
        <h2>The dog</h2>
        <Field form={form} name="name" label="Name" required hint="Up to 120 characters." autocomplete="off" />
        <Select form={form} name="sex" label="Sex" options={sexChoices} />
        <Field form={form} name="breeds" label="Breeds" hint="Separate several with commas, like: Labrador, Collie." autocomplete="off" />
        <Select form={form} name="size" label="Size" options={pick('Choose a size', sizeChoices)} />
        <Field form={form} name="colour" label="Colour and markings" autocomplete="off" />
        <Field form={form} name="microchip" label="Microchip number" hint="Optional: 9 to 15 digits." autocomplete="off" />
        <Select form={form} name="spay_neuter" label="Spayed or neutered" options={spayNeuterChoices} />
        <h2>Age</h2>
        <Field form={form} name="birth_date" label="Date of birth" type="date" hint="If you know it. Otherwise give an estimated age below." />
        <Field form={form} name="age_years" label="Estimated age: years" type="number" hint="0 to 30. Leave empty if you gave a date of birth." />
        <Field form={form} name="age_months" label="Estimated age: months" type="number" hint="0 to 11." />
        <h2>Intake</h2>
        <Field form={form} name="intake_date" label="Intake date" type="date" required />
        <Select form={form} name="intake_type" label="Intake type" options={pick('Choose how the dog came in', intakeTypeChoices)} />
        <Field form={form} name="source" label="Source" hint="Where the dog came from: a shelter, an area, a person's first name." autocomplete="off" />
        <Select form={form} name="staff_contact_id" label="Staff contact" options={contacts} hint="Who is notified of this dog's foster notes and medical reminders." />
        <h2>Where the dog is</h2>
        {dog?.whereabouts === 'foster'
          ? <p>{dog.name} is with a foster home. To change where {dog.name} is, end the placement on the dog's page first.</p>
          : <Select form={form} name="whereabouts" label="Where the dog is" options={chosenWhereaboutsChoices} hint="A foster home is set by placing the dog with a foster, on the dog's page." />}
        <Field form={form} name="location" label="Where exactly" hint="Kennel, boarding kennel, clinic or town. Staff only: never shown on the public site." autocomplete="off" />
        <h2>Temperament and needs</h2>
        <Select form={form} name="good_with_dogs" label="Good with dogs" options={tristateChoices} />
        <Select form={form} name="good_with_cats" label="Good with cats" options={tristateChoices} />
        <Select form={form} name="good_with_children" label="Good with children" options={tristateChoices} />
        <Select form={form} name="energy" label="Energy" options={pick('Not known yet', energyChoices)} />
        <TextArea form={form} name="special_needs" label="Special needs" hint="Medication, diet, behaviour: what an adopter must know." />
        <h2>Adoption</h2>
        <Field form={form} name="adoption_fee" label="Adoption fee" hint={feeHint(props.feeDefaults, ctx.locale ?? defaultRescueLocale)} autocomplete="off" />
        <TextArea form={form} name="public_description" label="Public description" rows={8} maxLength={5000} hint="Shown on the public site. Up to 5000 characters." />
        <Select form={form} name="on_hold" label="On hold" options={[{ value: 'no', label: 'No' }, { value: 'yes', label: 'Yes: not adoptable for now' }]} />
        <Field form={form} name="hold_reason" label="Reason for the hold" hint="Only kept while the dog is on hold." autocomplete="off" />
        <div><button type="submit">{dog ? 'Save changes' : 'Add the dog'}</button></div>
      </form>
    </Layout>
  );
}
