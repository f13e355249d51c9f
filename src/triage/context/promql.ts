/**
 * The few PromQL facts triage needs about an alert, without a PromQL parser: the alert's own
 * expression (Alertmanager's generatorURL is Prometheus's graph link, `g0.expr=`), label selectors
 * built with escaped values, and the threshold of a rule written `<value expression> <op> <number>`
 * (how nearly every alerting rule is written), so the value can be read apart from the cut-off.
 */

/** The longest expression read from a generatorURL (the sender controls it). */
export const maxExprChars = 2000;

/** The alert's expression from its generatorURL, or undefined when the link carries none. */
export function exprFromGeneratorUrl(generatorURL: string): string | undefined {
  try {
    const expr = new URL(generatorURL).searchParams.get('g0.expr')?.trim();
    return expr !== undefined && expr !== '' && expr.length <= maxExprChars ? expr : undefined;
  } catch {
    return undefined;
  }
}

/** A PromQL double-quoted string (Go escapes; JSON's are a subset PromQL reads). */
export function promString(value: string): string {
  return JSON.stringify(value);
}

/** `{a="x",b="y"}` from the labels given (empty values left out), or undefined when none remain. */
export function selector(labels: Record<string, string | undefined>): string | undefined {
  const pairs = Object.entries(labels).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '');
  return pairs.length === 0 ? undefined : `{${pairs.map(([k, v]) => `${k}=${promString(v)}`).join(',')}}`;
}

/** Which way an alert's value is bad: above the threshold (`>`, `>=`) or below it (`<`, `<=`). */
export type Comparison = '>' | '>=' | '<' | '<=';

/** A rule expression split at its top-level comparison with a number. */
export interface Threshold {
  value: string;
  op: Comparison;
  threshold: number;
}

/**
 * Splits `value op number` (e.g. `rate(x[5m]) > 0.05`, `… < (25 / 100)` is not split: only a plain
 * number) when the comparison is outside every bracket. Anything else: undefined.
 */
export function splitThreshold(expr: string): Threshold | undefined {
  const m = /^(.*?)\s*(>=|<=|>|<)\s*(?:bool\s+)?(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*$/is.exec(expr);
  if (m === null) return undefined;
  const value = m[1]!.trim();
  if (value === '' || !balanced(value) || /(?:==|!=|>=|<=|[<>])\s*$/.test(value)) return undefined;
  return { value, op: m[2] as Comparison, threshold: Number(m[3]) };
}

/** True when every bracket and quote in the text is closed (the comparison found is top-level). */
function balanced(text: string): boolean {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== undefined) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(' || c === '{' || c === '[') depth++;
    else if (c === ')' || c === '}' || c === ']') depth--;
    if (depth < 0) return false;
  }
  return depth === 0 && quote === undefined;
}
