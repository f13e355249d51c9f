import type { FormState } from '../../platform/http/views/forms.js';
import { Select, TextArea } from '../../platform/http/views/forms.js';
import { Field } from '../../platform/http/views/forms.js';
import { treatmentKindChoices, vaccinationTypeChoices } from './medical.fields.js';
import { repeatUnitChoices } from './medical.schedule.js';

/** The fields of a vaccination, for the add form and the edit page. */
export function VaccinationFields({ form }: { form: FormState }) {
  return (
    <>
      <Select form={form} name="type" label="Vaccine" options={[{ value: '', label: 'Choose a vaccine' }, ...vaccinationTypeChoices]} />
      <Field form={form} name="label" label="Name or brand" hint="Required for other vaccines." />
      <Field form={form} name="given_on" label="Given on" type="date" />
      <Field form={form} name="due_on" label="Next dose due" type="date" hint="Optional. Shown on the dashboard when it comes close." />
      <Field form={form} name="given_by" label="Given by" hint="The vet or clinic." />
      <TextArea form={form} name="notes" label="Notes" rows={2} />
    </>
  );
}

/** The fields of a treatment or medication, its repeat interval included. */
export function TreatmentFields({ form }: { form: FormState }) {
  return (
    <>
      <Select form={form} name="kind" label="Kind" options={treatmentKindChoices} />
      <Field form={form} name="name" label="Name" />
      <Field form={form} name="dose" label="Dose" hint="Like 1 tablet, 5 ml." />
      <Field form={form} name="schedule" label="Schedule" hint="Like twice daily, monthly." />
      <Field form={form} name="repeat_every" label="Repeats every" type="number" hint="Optional. With the unit below, lets you record each dose and moves the next due date on." />
      <Select form={form} name="repeat_unit" label="Repeat unit" options={[{ value: '', label: 'Does not repeat' }, ...repeatUnitChoices]} />
      <Field form={form} name="starts_on" label="Starts on" type="date" />
      <Field form={form} name="ends_on" label="Ends on" type="date" hint="Optional." />
      <Field form={form} name="next_due_on" label="Next due" type="date" hint="Optional. Shown on the dashboard when it comes close." />
      <TextArea form={form} name="notes" label="Notes" rows={2} />
    </>
  );
}

/** The fields of a vet visit. */
export function VisitFields({ form }: { form: FormState }) {
  return (
    <>
      <Field form={form} name="clinic" label="Clinic" />
      <Field form={form} name="visit_on" label="Date of the visit" type="date" />
      <TextArea form={form} name="reason" label="Reason" rows={2} />
      <TextArea form={form} name="outcome" label="Outcome" rows={3} />
    </>
  );
}
