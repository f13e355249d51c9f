import { Csrf, Layout, type PageContext } from '../../platform/http/views/layout.js';
import { When } from '../../platform/http/views/time.js';
import type { ApplicationReview } from './ai.review.service.js';

const notices: Record<string, string> = {
  off: 'No AI server is set up for this rescue, so the rescue\'s own rules made this.',
  unreachable: 'The AI server is not reachable right now, so the rescue\'s own rules made this.',
  breakers_open: 'The AI server is not reachable right now, so the rescue\'s own rules made this.',
  deadline: 'The AI server did not answer in time, so the rescue\'s own rules made this.',
  invalid: 'The AI server\'s answer could not be used, so the rescue\'s own rules made this.',
  refused: 'The AI server could not take this request (the answers may be longer than the model reads), so the rescue\'s own rules made this.',
};

function Made({ path, reason, createdAt }: { path: 'model' | 'simpler'; reason: string | null; createdAt: Date }) {
  return (
    <>
      <p class="ai-path" data-path={path}>{path === 'model' ? 'Made by the on-site AI model' : 'Made by the rescue\'s rules (no AI model)'}, <When at={createdAt} />.</p>
      {reason && notices[reason] && <p class="notice" role="status">{notices[reason]}</p>}
    </>
  );
}

/** An application's review and interview questions: advisory, with where each flag came from. */
export function ReviewPage({ ctx, applicationId, dogName, review, canRun }: { ctx: PageContext; applicationId: string; dogName: string; review: ApplicationReview; canRun: boolean }) {
  const base = `${ctx.basePath}/hub/applications/${applicationId}`;
  const r = review.review;
  const q = review.interview;
  return (
    <Layout ctx={ctx} title={`Review of the application for ${dogName}`}>
      <p><a href={base}>← The application</a></p>
      <h1>Review of the application for {dogName}</h1>
      <p>Advisory only: it points to passages for a person to read, and never changes the application. It never flags race, ethnicity, religion, national origin, sex, gender identity, sexual orientation, disability, age, family or marital status, or pregnancy. The rescue's concerns are on the <a href={`${ctx.basePath}/hub/adoptions/concerns`}>review concerns</a> page.</p>
      {canRun && (
        <form method="post" action={`${base}/review`}>
          <Csrf token={ctx.csrfToken} />
          <button type="submit">{r ? 'Review again' : 'Review the answers'}</button>
        </form>
      )}
      {!r && <p>Not reviewed yet.</p>}
      {r && (
        <section aria-labelledby="flags-heading">
          <h2 id="flags-heading">Possible concerns</h2>
          <Made path={r.path} reason={r.reason} createdAt={r.createdAt} />
          {r.output.flags.length === 0 ? <p>Nothing in the answers matched the rescue's concerns.</p> : (
            <ul class="review-flags">
              {r.output.flags.map((f, i) => (
                <li key={i}>
                  <p><strong>{f.concern}</strong> — in the answer to “{f.question}”:</p>
                  <blockquote>{f.quote}</blockquote>
                  <p class="hint">{f.reason}</p>
                </li>
              ))}
            </ul>
          )}
          {r.output.dropped + r.output.replaced > 0 && <p class="hint">The check set aside {r.output.dropped} of the model's flags and reworded {r.output.replaced} reasons.</p>}
        </section>
      )}
      {q && (
        <section aria-labelledby="questions-heading">
          <h2 id="questions-heading">Interview questions</h2>
          <Made path={q.path} reason={q.reason} createdAt={q.createdAt} />
          <ol>
            {q.output.questions.map((x, i) => <li key={i}>{x.question} <span class="hint">({x.why})</span></li>)}
          </ol>
        </section>
      )}
    </Layout>
  );
}
