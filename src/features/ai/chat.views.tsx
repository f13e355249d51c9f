import { Csrf, Layout, type PageContext } from '../../platform/http/views/layout.js';
import { ErrorSummary, Notice, TextArea, type FormState } from '../../platform/http/views/forms.js';
import type { ChatAnswer, ChatMessage } from './chat.service.js';
import type { AnswerSentence } from './chat/citations.js';
import { sectionLabels, type Passage, type RecordSection } from './chat/record.js';

/** Which path made an answer, in words (the page always says). */
export const pathLabel = (path: ChatAnswer['path']) => (path === 'model' ? 'Answered by the on-site AI model from the record' : 'Answered by searching the record (no AI model)');

// Where each section of the record lives on the dog's hub page.
const sectionAnchors: Record<RecordSection, string> = {
  profile: '#record-heading', medical: '#medical-heading', notes: '#timeline-heading', placements: '#timeline-heading', history: '#timeline-heading', applications: '',
};

/** A passage's place on the dog's page. */
const sectionHref = (ctx: PageContext, dogId: string, p: Passage) => `${ctx.basePath}/hub/dogs/${dogId}${sectionAnchors[p.section]}`;

function Sentence({ s, n }: { s: AnswerSentence; n: number | string }) {
  return (
    <>
      {s.uncited ? <mark class="chat-uncited" title="This sentence cites nothing in the record">{s.text}</mark> : s.text}
      {s.cites.map((c) => <> <a key={c.id} class="chat-cite" href={`#a${n}-${c.id}`}>[{sectionLabels[c.section]} {c.id.split('-').pop()}]</a></>)}
      {' '}
    </>
  );
}

/** One answer: which path made it, any notice, the text with linked citations, and the passages it rests on. */
export function Answer({ ctx, dogId, answer, n }: { ctx: PageContext; dogId: string; answer: ChatAnswer; n: number | string }) {
  return (
    <div class="chat-answer" data-path={answer.path}>
      <p class="hint">{pathLabel(answer.path)}</p>
      {answer.notice && <p class="notice warn" role="status">{answer.notice}</p>}
      {answer.sentences ? <p>{answer.sentences.map((s, i) => <Sentence key={i} s={s} n={n} />)}</p> : <p>{answer.text}</p>}
      {answer.passages.length > 0 && (
        <ol class="chat-passages">
          {answer.passages.map((p) => (
            <li id={`a${n}-${p.id}`} key={p.id}>
              <blockquote>{p.text}</blockquote>
              <p class="hint">From the <a href={sectionHref(ctx, dogId, p)}>{sectionLabels[p.section].toLowerCase()}</a> section{p.on ? <>, <time datetime={p.on}>{p.on}</time></> : null}.</p>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

/** The chat page of one dog: the member's conversation and the question form (a plain form post, streamed when scripts run). */
export function ChatPage({ ctx, dogId, dogName, messages, form, notice, script }: { ctx: PageContext; dogId: string; dogName: string; messages: ChatMessage[]; form: FormState; notice?: string; script: string }) {
  const base = `${ctx.basePath}/hub/dogs/${dogId}/ask`;
  return (
    <Layout ctx={ctx} title={`Ask about ${dogName}`}>
      <p><a href={`${ctx.basePath}/hub/dogs/${dogId}`}>← {dogName}</a></p>
      <h1>Ask about {dogName}</h1>
      <p>Answers come only from {dogName}'s record, and say where. When the record does not say, the answer says so. Your questions are kept for you only.</p>
      {notice && <Notice>{notice}</Notice>}
      <section aria-labelledby="conversation-heading" hidden={messages.length === 0} data-chat-conversation>
        <h2 id="conversation-heading">Your questions</h2>
        <ol class="chat" data-chat-list>
          {messages.map((m, i) => m.role === 'user'
            ? <li key={i} class="chat-question"><strong>You asked:</strong> {m.text}</li>
            : <li key={i}><Answer ctx={ctx} dogId={dogId} answer={m.answer} n={i} /></li>)}
        </ol>
        {messages.length > 0 && (
          <form method="post" action={`${base}/forget`}>
            <Csrf token={ctx.csrfToken} />
            <button type="submit" class="secondary">Forget these questions</button>
          </form>
        )}
      </section>
      <section aria-labelledby="ask-heading">
        <h2 id="ask-heading">Ask a question</h2>
        <ErrorSummary form={form} />
        <form method="post" action={base} class="stack" novalidate data-chat-stream={`${base}/stream`}>
          <Csrf token={ctx.csrfToken} />
          <TextArea form={form} name="question" label={`Your question about ${dogName}`} rows={3} />
          <div><button type="submit">Ask</button></div>
        </form>
      </section>
      <script src={script} defer></script>
    </Layout>
  );
}
