import type { TimelinePoint } from '../run.js';
import { csrfOf, questionAnswers, Visitor } from './client.js';
import { HistoryFile, timelineOf, type RequestSample } from './history.js';
import { medicalMarker, newRunTag, newWriteId, type WriteKind } from './kinds.js';
import { combineAttempts, judgeAnswer, judgeTransportError, transportErrorKind, type Answer, type Judged } from './outcome.js';

/** A staff account of one rescue that the generator signs in with for hub edits. */
export interface StaffLogin {
  email: string;
  password: string;
}

/** What `kona drill load` runs. */
export interface LoadOptions {
  /** The web address Kona answers on (haproxy in the drill cluster); rescues at /r/<slug>. */
  url: string;
  tenants: string[];
  seconds: number;
  /** Requests started per second, on schedule whether or not earlier ones have answered. */
  rate: number;
  /** At most this many requests in flight; a request due while at the bound is counted as shed. */
  concurrency: number;
  timeoutMs: number;
  historyFile: string;
  /** Times an application is sent again with the same idempotency key after a 503 or no answer (default 1). */
  retries?: number;
  /** The pause before sending again (default 1000 ms). */
  retryDelayMs?: number;
  /** The share of requests that are reads, in percent (default 60); the rest are writes. */
  readPercent?: number;
  /** Staff per rescue for hub edits (medical entries); rescues without one get public load only. */
  staff?: Record<string, StaffLogin>;
  /** Stops starting new requests (the ones in flight finish). */
  signal?: AbortSignal;
  /** Called at the run's time 0 (after the rescues are opened), so a drill can time its events on the history's clock. */
  onStart?: () => void;
}

/** What a load run did. */
export interface LoadResult {
  tag: string;
  requests: number;
  writes: Record<'ok' | 'fail' | 'indeterminate', number>;
  timeline: TimelinePoint[];
}

interface Dog {
  id: string;
  photoUrls: string[];
}

interface Rescue {
  slug: string;
  base: string;
  dogs: Dog[];
  staff?: { visitor: Visitor; csrf: string };
}

const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)]!;
const yesterday = () => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
// Applicants come from many addresses (the rate limit is per address): RFC 2544 benchmark space.
const applicantAddress = () => `198.18.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;

async function openRescue(options: LoadOptions, slug: string): Promise<Rescue> {
  const base = `/r/${slug}`;
  const visitor = new Visitor(options.url, options.timeoutMs);
  const res = await visitor.request('GET', `${base}/dogs.json`);
  if (res.status !== 200) throw new Error(`${slug}: ${base}/dogs.json answered ${res.status}; is the rescue active at ${options.url}?`);
  const feed = (await res.json()) as { dogs: { id: string; photo: { url: string } | null }[] };
  if (!feed.dogs.length) throw new Error(`${slug}: no dogs are listed for adoption; the load needs at least one.`);
  const dogs = feed.dogs.map((d) => ({ id: d.id, photoUrls: d.photo ? [new URL(d.photo.url).pathname] : [] }));
  const login = options.staff?.[slug];
  if (!login) return { slug, base, dogs };
  const staff = new Visitor(options.url, options.timeoutMs);
  const signInPage = await staff.page(`${base}/hub/sign-in`);
  const signIn = await staff.request('POST', `${base}/hub/sign-in`, { form: { _csrf: csrfOf(signInPage.body) ?? '', email: login.email, password: login.password } });
  await signIn.arrayBuffer();
  if (signIn.status !== 303 || (signIn.headers.get('location') ?? '').includes('sign-in')) throw new Error(`${slug}: staff sign-in failed (${signIn.status}); check the staff login.`);
  const medical = await staff.page(`${base}/hub/dogs/${dogs[0]!.id}/medical`);
  const csrf = csrfOf(medical.body);
  if (medical.status !== 200 || !csrf) throw new Error(`${slug}: the staff account cannot open a dog's medical page (${medical.status}); it needs medical.edit.`);
  return { slug, base, dogs, staff: { visitor: staff, csrf } };
}

async function answerOf(res: Response): Promise<Answer> {
  const type = res.headers.get('content-type') ?? '';
  const body = await res.text();
  let code: string | undefined;
  if (type.includes('json')) code = (JSON.parse(body) as { code?: string }).code;
  return { status: res.status, location: res.headers.get('location'), code };
}

/** Runs the load: public reads, applications and hub edits over the rescues, for `seconds`. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const rescues = await Promise.all(options.tenants.map((slug) => openRescue(options, slug)));
  const tag = newRunTag();
  const history = new HistoryFile(options.historyFile);
  const samples: RequestSample[] = [];
  const writes = { ok: 0, fail: 0, indeterminate: 0 };
  const start = performance.now();
  options.onStart?.();
  const clockT = () => (performance.now() - start) / 1000;

  const read = async (visitor: Visitor, path: string) => {
    const t = clockT();
    try {
      const res = await visitor.request('GET', path);
      await res.arrayBuffer();
      const ok = res.status < 400;
      samples.push({ t, latencyMs: (clockT() - t) * 1000, outcome: ok ? 'ok' : 'fail', ...(ok ? {} : { error: String(res.status) }) });
    } catch (err) {
      samples.push({ t, latencyMs: (clockT() - t) * 1000, outcome: 'indeterminate', error: transportErrorKind(err) });
    }
  };

  // The pending line is on disk before each attempt leaves; the outcome line before it is counted.
  // `retries`: only for a route that takes the id as its idempotency key, and only after an answer
  // a person would send again on (a 503 or no answer), like pressing "send" once more.
  const write = async (r: Rescue, kind: WriteKind, id: string, send: () => Promise<Response>, echoes: (location: string) => boolean, retries = 0) => {
    const t = clockT();
    let judged: Judged | undefined;
    let attempts = 0;
    for (;;) {
      history.pending({ id, tenant: r.slug, kind, startT: t });
      const at = clockT();
      let one: Judged;
      try {
        const answer = await answerOf(await send());
        one = judgeAnswer(answer, answer.location !== null && echoes(answer.location));
      } catch (err) {
        one = judgeTransportError(err);
      }
      attempts++;
      samples.push({ t: at, latencyMs: (clockT() - at) * 1000, outcome: one.outcome, ...(one.error ? { error: one.error } : {}) });
      judged = combineAttempts(judged, one);
      const again = one.outcome !== 'ok' && (one.status === undefined || one.status >= 500);
      if (!again || attempts > retries || options.signal?.aborted) break;
      await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs ?? 1000));
    }
    history.append({ id, tenant: r.slug, kind, startT: t, endT: clockT(), ...judged, ...(attempts > 1 ? { attempts } : {}) });
    writes[judged.outcome]++;
  };

  const apply = async (r: Rescue) => {
    const dog = pick(r.dogs);
    const applicant = new Visitor(options.url, options.timeoutMs);
    const headers = { 'x-forwarded-for': applicantAddress(), accept: 'application/json' };
    const t = clockT();
    let form: { status: number; body: string };
    try {
      form = await applicant.page(`${r.base}/dogs/${dog.id}/apply`);
    } catch (err) {
      samples.push({ t, latencyMs: (clockT() - t) * 1000, outcome: 'indeterminate', error: transportErrorKind(err) });
      return;
    }
    const csrf = csrfOf(form.body);
    samples.push({ t, latencyMs: (clockT() - t) * 1000, outcome: form.status === 200 && csrf ? 'ok' : 'fail', ...(form.status === 200 ? {} : { error: String(form.status) }) });
    if (form.status !== 200 || !csrf) return;
    const id = newWriteId(tag);
    const fields = { _csrf: csrf, idempotency_key: id, name: 'Load Drill', email: `drill-${id.slice(0, 13)}@example.org`, phone: '', address: '1 Drill Lane', ...questionAnswers(form.body) };
    await write(r, 'application', id, () => applicant.request('POST', `${r.base}/dogs/${dog.id}/apply`, { form: fields, headers }), (location) => location.includes(`key=${id}`), options.retries ?? 1);
  };

  const addVisit = async (r: Rescue) => {
    const staff = r.staff!;
    const dog = pick(r.dogs);
    const id = newWriteId(tag);
    const fields = { _csrf: staff.csrf, clinic: 'Drill Clinic', visit_on: yesterday(), reason: medicalMarker(id), outcome: '' };
    await write(r, 'medical', id, () => staff.visitor.request('POST', `${r.base}/hub/dogs/${dog.id}/visits`, { form: fields, headers: { accept: 'application/json' } }),
      (location) => location.endsWith(`/hub/dogs/${dog.id}/medical?done=visit`));
  };

  const oneRequest = async (r: Rescue): Promise<void> => {
    // Reads: a third listing pages, a third dog pages, a quarter photos, the rest the JSON feed.
    // Writes: half hub edits (where a staff login was given), half applications.
    const reads = options.readPercent ?? 60;
    const roll = Math.random() * 100;
    const reader = new Visitor(options.url, options.timeoutMs);
    if (roll < reads / 3) return read(reader, `${r.base}/`);
    if (roll < (reads * 2) / 3) return read(reader, `${r.base}/dogs/${pick(r.dogs).id}`);
    if (roll < (reads * 11) / 12) {
      const photos = r.dogs.flatMap((d) => d.photoUrls);
      return read(reader, photos.length ? pick(photos) : `${r.base}/dogs/${pick(r.dogs).id}`);
    }
    if (roll < reads) return read(reader, `${r.base}/dogs.json`);
    if (roll < reads + (100 - reads) / 2 && r.staff) return addVisit(r);
    return apply(r);
  };

  const inFlight = new Set<Promise<void>>();
  const interval = 1000 / options.rate;
  try {
    for (let i = 0; i * interval < options.seconds * 1000 && !options.signal?.aborted; i++) {
      const wait = start + i * interval - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (inFlight.size >= options.concurrency) {
        samples.push({ t: clockT(), latencyMs: 0, outcome: 'fail', error: 'shed' });
        continue;
      }
      // A bug of the generator's own must not stop the run: it is counted, not thrown.
      const t = clockT();
      const p = oneRequest(pick(rescues))
        .catch((err: Error) => void samples.push({ t, latencyMs: 0, outcome: 'indeterminate', error: `generator-${err.name}` }))
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await Promise.all(inFlight);
  } finally {
    history.close();
  }
  return { tag, requests: samples.length, writes, timeline: timelineOf(samples) };
}
