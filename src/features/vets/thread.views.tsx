import { Csrf, type PageContext } from '../../platform/http/views/layout.js';
import { ErrorSummary, TextArea, type FormState } from '../../platform/http/views/forms.js';
import { When } from '../../platform/http/views/time.js';
import { messageMaxChars, type ThreadMessage } from './thread.js';

/** The messages of a grant, oldest first, each with who wrote it and when. */
export function Thread({ messages }: { messages: ThreadMessage[] }) {
  if (messages.length === 0) return <p>No messages yet.</p>;
  return (
    <ol class="plain stack" aria-label="Messages, oldest first">
      {messages.map((m) => (
        <li key={m.id}>
          <p><strong>{m.author}</strong> {m.authorType === 'vet' ? '(vet)' : '(rescue)'}, <When at={m.at} /></p>
          <p class="pre-wrap">{m.body}</p>
        </li>
      ))}
    </ol>
  );
}

/** The form to write in the thread; a rejected one keeps what was typed. */
export function MessageForm({ ctx, action, form, message }: { ctx: PageContext; action: string; form?: FormState; message?: string }) {
  const state = form ?? { values: {}, errors: {} };
  return (
    <form method="post" action={action} class="stack" aria-label="Write a message">
      <Csrf token={ctx.csrfToken} />
      <ErrorSummary form={state} message={message} labels={{ body: 'Message' }} />
      <TextArea form={state} name="body" label="Message" rows={5} maxLength={messageMaxChars} hint={`Up to ${messageMaxChars} characters.`} />
      <div><button type="submit">Send message</button></div>
    </form>
  );
}
