/**
 * The dog's hub page, composed of what features register with it. The dogs feature draws the
 * record, status, bonded pair and weights; other features (photos, fosters, medical) offer panels,
 * timeline sources and the notices their actions redirect with, through their public faces. The
 * process wires them together once (apps/routes.ts), so dogs imports none of them.
 */
import { rescueTodayOf } from '../../platform/http/rescue-time.js';
import type { FastifyReply } from 'fastify';
import { h, type JSX } from 'preact';
import { formValues } from '../../platform/http/forms.js';
import { actorCan, isRefusal, sendPage, tenantDeps } from '../../platform/http/replies.js';
import type { StaffRequest } from '../../platform/http/scopes.js';
import type { PageContext } from '../../platform/http/views/layout.js';
import type { DetailForms } from './dog-detail.panels.js';
import { dogDetail } from './dog-detail.service.js';
import { DogDetailPage } from './dog-detail.views.js';
import type { DogRow } from './dogs.queries.js';
import { baseTimelineSources, type TimelineSource } from './dogs.timeline.js';

export type { DetailForms };

/** What a panel is drawn from. */
export interface DogPanelView {
  request: StaffRequest;
  ctx: PageContext;
  dog: DogRow;
  today: string;
  forms: DetailForms;
  /** What the panel's own route passed when it re-showed the page (e.g. upload results), by key. */
  state: Readonly<Record<string, unknown>>;
}

/** Where on the page a panel goes: after the status, after the bonded pair, after the weights. */
export type DogPanelSlot = 'afterStatus' | 'afterBond' | 'afterWeights';

/** A section another feature adds to the dog's page. */
export interface DogPanel {
  slot: DogPanelSlot;
  /** The panel for this request, or null when it has nothing to show this person. */
  render(view: DogPanelView): Promise<JSX.Element | null>;
}

/** What one feature registers with the dog's page. */
export interface DogPageParts {
  timeline?: readonly TimelineSource[];
  panels?: readonly DogPanel[];
  /** Notices its actions redirect back with (`?done=<key>`). */
  notices?: Readonly<Record<string, string>>;
}

const ownNotices: Record<string, string> = {
  created: 'The dog was added. Its history starts at intake.',
  saved: 'The changes were saved.',
  unchanged: 'Nothing had changed, so nothing was saved.',
  status: 'The status was changed and added to the history.',
  weight: 'The weight was recorded.',
  bonded: 'The two dogs are now linked as a bonded pair.',
  unbonded: 'The bonded pair was unlinked on both records.',
};

/** How a re-shown page differs from a plain view of it. */
export interface ShowOptions {
  done?: string;
  forms?: DetailForms;
  message?: string;
  state?: Record<string, unknown>;
}

/** The dog's hub page with every registered part. */
export class DogPage {
  readonly timeline: readonly TimelineSource[];
  readonly #panels: readonly DogPanel[];
  readonly #notices: Readonly<Record<string, string>>;

  constructor(parts: readonly DogPageParts[] = []) {
    this.timeline = [...baseTimelineSources, ...parts.flatMap((p) => p.timeline ?? [])];
    this.#panels = parts.flatMap((p) => p.panels ?? []);
    this.#notices = Object.assign({}, ownNotices, ...parts.map((p) => p.notices ?? {}));
  }

  /** Renders a dog's page, with a notice after a change or a rejected form's state. */
  async show(request: StaffRequest, reply: FastifyReply, id: string, status: number, options: ShowOptions = {}) {
    const today = rescueTodayOf(request);
    const detail = await dogDetail(tenantDeps(request), id, today, this.timeline);
    const ctx = request.server.kona.page(request, 'hub');
    const view: DogPanelView = { request, ctx, dog: detail.dog, today, forms: options.forms ?? {}, state: options.state ?? {} };
    const panels: Record<DogPanelSlot, JSX.Element[]> = { afterStatus: [], afterBond: [], afterWeights: [] };
    for (const panel of this.#panels) {
      const node = await panel.render(view);
      if (node) panels[panel.slot].push(node);
    }
    const notice = options.done ? this.#notices[options.done] : undefined;
    return sendPage(reply, status, h(DogDetailPage, { ctx, detail, canEdit: actorCan(request, 'dogs.edit'), canRecord: actorCan(request, 'care.record'), today, forms: view.forms, notice, message: options.message, panels }));
  }

  /** Runs one change from the page: redirect with a notice, or re-show the page with what went wrong in `form`. */
  async attempt(request: StaffRequest, reply: FastifyReply, id: string, form: string, done: string, action: () => Promise<unknown>) {
    try {
      await action();
    } catch (err) {
      if (!isRefusal(err)) throw err;
      const forms = { [form]: { values: formValues(request.body), errors: err.options.fields ?? {} } };
      return this.show(request, reply, id, err.status, { forms, message: err.message });
    }
    return reply.redirect(`${request.basePath}/hub/dogs/${id}?done=${done}`, 303);
  }
}
