import { Layout, type PageContext } from '../../platform/http/views/layout.js';
import { Notice } from '../../platform/http/views/forms.js';
import { TableWrap } from '../../platform/http/views/tables.js';
import type { JSX } from 'preact';
import { AdoptabilityPanel, BondPanel, StatusPanel, Timeline, WeightsPanel, type DetailForms } from './dog-detail.panels.js';
import type { DogDetail } from './dog-detail.service.js';
import { energyChoices, intakeTypeChoices, labelOf, sexChoices, sizeChoices, spayNeuterChoices, tristateChoices, whereaboutsText } from './dogs.fields.js';
import { defaultRescueLocale, formatMoney, type RescueLocale } from '../../platform/locale/index.js';

function Facts({ detail, locale }: { detail: DogDetail; locale: RescueLocale }) {
  const { dog } = detail;
  const age = detail.age ? `${detail.age}${dog.birth_date_estimated ? ' (estimated)' : ''}` : 'Unknown';
  const rows: [string, string][] = [
    ['Sex', labelOf(sexChoices, dog.sex)],
    ['Age', dog.birth_date && !dog.birth_date_estimated ? `${age}, born ${dog.birth_date}` : age],
    ['Breeds', dog.breeds.join(', ') || '—'],
    ['Size', labelOf(sizeChoices, dog.size)],
    ['Colour and markings', dog.colour || '—'],
    ['Microchip', dog.microchip ?? 'None recorded'],
    ['Spayed or neutered', labelOf(spayNeuterChoices, dog.spay_neuter)],
    ['Intake', `${dog.intake_date}, ${labelOf(intakeTypeChoices, dog.intake_type).toLowerCase()}`],
    ['Source', dog.source || '—'],
    ['Where', whereaboutsText({ whereabouts: dog.whereabouts, location: dog.location, fosterName: detail.fosterName, closed: !detail.open })],
    ['Staff contact', detail.staffContactName ?? 'None: all admins and staff are told'],
    ['Good with dogs', labelOf(tristateChoices, dog.good_with_dogs)],
    ['Good with cats', labelOf(tristateChoices, dog.good_with_cats)],
    ['Good with children', labelOf(tristateChoices, dog.good_with_children)],
    ['Energy', dog.energy ? labelOf(energyChoices, dog.energy) : 'Not known yet'],
    ['Special needs', dog.special_needs || 'None recorded'],
    ['Adoption fee', dog.adoption_fee_cents === null ? 'Not set' : formatMoney(dog.adoption_fee_cents, locale)],
    ['On hold', dog.on_hold ? `Yes${dog.hold_reason ? `: ${dog.hold_reason}` : ''}` : 'No'],
  ];
  return (
    <section aria-labelledby="record-heading">
      <h2 id="record-heading">Record</h2>
      <TableWrap labelledBy="record-caption">
        <table>
          <caption id="record-caption" class="visually-hidden">The record of {dog.name}</caption>
          <tbody>
            {rows.map(([term, value]) => <tr key={term}><th scope="row">{term}</th><td>{value}</td></tr>)}
          </tbody>
        </table>
      </TableWrap>
      <h3>Public description</h3>
      {dog.public_description ? dog.public_description.split(/\n\s*\n/).map((para, i) => <p key={i}>{para}</p>) : <p>None written yet.</p>}
    </section>
  );
}

/** A dog's page in the hub: adoptability, status, record, bonded pair, weights and timeline, with the panels features registered. */
export function DogDetailPage(props: { ctx: PageContext; detail: DogDetail; canEdit: boolean; canRecord: boolean; today: string; forms?: DetailForms; notice?: string; message?: string; panels: Record<'afterStatus' | 'afterBond' | 'afterWeights', JSX.Element[]> }) {
  const { ctx, detail, canEdit } = props;
  const { dog } = detail;
  return (
    <Layout ctx={ctx} title={dog.name}>
      <p><a href={`${ctx.basePath}/hub/dogs`}>Back to the dogs</a></p>
      <h1>{dog.name}</h1>
      {props.notice && <Notice>{props.notice}</Notice>}
      {props.message && <div class="notice error" role="alert">{props.message}</div>}
      {canEdit && <p><a class="button" href={`${ctx.basePath}/hub/dogs/${dog.id}/edit`}>Edit {dog.name}</a></p>}
      <AdoptabilityPanel detail={detail} />
      <StatusPanel ctx={ctx} detail={detail} canEdit={canEdit} form={props.forms?.status} />
      {props.panels.afterStatus}
      <Facts detail={detail} locale={ctx.locale ?? defaultRescueLocale} />
      <BondPanel ctx={ctx} detail={detail} canEdit={canEdit} form={props.forms?.bond} />
      {props.panels.afterBond}
      <WeightsPanel ctx={ctx} detail={detail} canEdit={props.canRecord} form={props.forms?.weight} today={props.today} />
      {props.panels.afterWeights}
      <Timeline detail={detail} />
    </Layout>
  );
}
