import { Csrf, Layout, type PageContext } from '../../platform/http/views/layout.js';
import { When } from '../../platform/http/views/time.js';
import { Notice } from '../../platform/http/views/forms.js';
import type { NotificationRow } from './notifications.queries.js';
import type { NotificationPage } from './notifications.service.js';

const doneMessages: Record<string, string> = {
  read: 'The notification was marked read.',
  'all-read': 'All your notifications were marked read.',
};

function Stamp({ at }: { at: Date }) {
  return <When at={at} />;
}

function Item({ ctx, n }: { ctx: PageContext; n: NotificationRow }) {
  const base = `${ctx.basePath}/hub/notifications/${n.id}`;
  const unread = n.read_at === null;
  return (
    <li class={unread ? 'notification unread' : 'notification'}>
      <p class="notification-title">
        {unread && <span class="badge">New<span class="visually-hidden">, unread:</span></span>} <strong>{n.title}</strong>
      </p>
      {n.body && <p>{n.body}</p>}
      <p class="hint"><Stamp at={n.created_at} /></p>
      <div class="actions">
        {n.link && (
          <form method="post" action={`${base}/open`} class="inline">
            <Csrf token={ctx.csrfToken} />
            <button type="submit" class="link">Open<span class="visually-hidden">: {n.title}</span></button>
          </form>
        )}
        {unread && (
          <form method="post" action={`${base}/read`} class="inline">
            <Csrf token={ctx.csrfToken} />
            <button type="submit" class="link">Mark read<span class="visually-hidden">: {n.title}</span></button>
          </form>
        )}
      </div>
    </li>
  );
}

function Pager({ ctx, page, pages }: { ctx: PageContext; page: number; pages: number }) {
  if (pages <= 1) return null;
  const href = (p: number) => `${ctx.basePath}/hub/notifications?page=${p}`;
  return (
    <nav aria-label="Pages of notifications">
      <p>
        {page > 1 && <a href={href(page - 1)}>Newer</a>} Page {page} of {pages} {page < pages && <a href={href(page + 1)}>Older</a>}
      </p>
    </nav>
  );
}

/** The signed-in person's notifications, newest first, unread ones highlighted. */
export function NotificationsPage({ ctx, list, done }: { ctx: PageContext; list: NotificationPage; done: string }) {
  return (
    <Layout ctx={ctx} title="Notifications">
      <h1>Notifications</h1>
      {doneMessages[done] && <Notice>{doneMessages[done]}</Notice>}
      <p>{list.total === 0 ? 'You have no notifications yet.' : `${list.unread} unread of ${list.total}.`}</p>
      {list.unread > 0 && (
        <form method="post" action={`${ctx.basePath}/hub/notifications/read-all`}>
          <Csrf token={ctx.csrfToken} />
          <button type="submit" class="secondary">Mark all read</button>
        </form>
      )}
      {list.items.length > 0 && <ul class="notifications">{list.items.map((n) => <Item key={n.id} ctx={ctx} n={n} />)}</ul>}
      <Pager ctx={ctx} page={list.page} pages={list.pages} />
    </Layout>
  );
}
