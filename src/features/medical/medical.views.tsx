import type { VNode } from 'preact';
import { Layout, type PageContext } from '../../platform/http/views/layout.js';
import { Notice } from '../../platform/http/views/forms.js';
import { DocumentsPanel } from './documents.views.js';
import type { MedicalForms, PanelProps } from './medical.panel-props.js';
import { TreatmentsPanel, VaccinationsPanel, VisitsPanel, WeightsPanel } from './medical.panels.js';
import type { MedicalRecord } from './medical.service.js';

/** One section of the medical page. */
export type MedicalPanel = (props: PanelProps) => VNode | null;

/** The medical page's sections in order. */
export const medicalPanels: readonly MedicalPanel[] = [VaccinationsPanel, TreatmentsPanel, VisitsPanel, DocumentsPanel, WeightsPanel];

/** A dog's medical record: vaccinations, treatments, vet visits and weights, with forms for editors. */
export function MedicalPage(props: { ctx: PageContext; record: MedicalRecord; canEdit: boolean; canRecord: boolean; today: string; forms?: MedicalForms; notice?: string; message?: string; documentMaxMb: number }) {
  const { ctx, record } = props;
  const panelProps: PanelProps = { ctx, record, canEdit: props.canEdit, canRecord: props.canRecord, forms: props.forms ?? {}, today: props.today, documentMaxMb: props.documentMaxMb };
  return (
    <Layout ctx={ctx} title={`${record.dog.name}: medical`}>
      <p><a href={`${ctx.basePath}/hub/dogs/${record.dog.id}`}>Back to {record.dog.name}</a></p>
      <h1>{record.dog.name}: medical record</h1>
      {props.notice && <Notice>{props.notice}</Notice>}
      {props.message && <div class="notice error" role="alert">{props.message}</div>}
      {medicalPanels.map((Panel, i) => <Panel key={i} {...panelProps} />)}
    </Layout>
  );
}
