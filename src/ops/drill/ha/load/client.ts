/**
 * A small HTTP client for the load generator: fetch with a cookie jar (what a browser keeps for one
 * visitor), no redirects followed (a form's 303 is its answer), and a timeout on every request.
 */
export class Visitor {
  private readonly jar = new Map<string, string>();

  constructor(private readonly base: string, private readonly timeoutMs: number) {}

  /** Sends one request; a transport error or timeout is thrown for the caller to judge. */
  async request(method: 'GET' | 'POST', path: string, options: { form?: Record<string, string>; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...options.headers };
    if (this.jar.size) headers.cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (options.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(new URL(path, this.base), {
      method,
      headers,
      body: options.form ? new URLSearchParams(options.form).toString() : undefined,
      redirect: 'manual',
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      if (eq <= 0) continue;
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === '' || /max-age=0/i.test(line)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return res;
  }

  /** GETs a page and returns its status and text (the body is always read, so the socket is freed). */
  async page(path: string): Promise<{ status: number; body: string }> {
    const res = await this.request('GET', path);
    return { status: res.status, body: await res.text() };
  }
}

/** The CSRF token of a page's form, if it has one. */
export function csrfOf(html: string): string | undefined {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
}

/**
 * Answers for every application question on a form: the first option of a choice, a word for a
 * text answer. Questions differ between rescues, so they are read from the form itself.
 */
export function questionAnswers(html: string): Record<string, string> {
  const answers: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="radio"[^>]*name="(q_[^"]+)"[^>]*value="([^"]*)"/g)) answers[m[1]!] ??= m[2]!;
  for (const m of html.matchAll(/<textarea[^>]*name="(q_[^"]+)"/g)) answers[m[1]!] ??= 'Load drill answer';
  return answers;
}
