import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPolicy, parsePolicy } from '../policy/policy.load.js';
import { escalationPolicySchema, tierFor, type EscalationSettings } from './escalation.schema.js';

const exampleFile = fileURLToPath(new URL('../../../deploy/triage-policy.example.yaml', import.meta.url));

const section = `
escalation:
  ackBaseUrl: https://triage.example.org/
  channels:
    webhook: { url: https://hooks.example.org/x }
    email: { to: [ops@example.org] }
  tiers:
    - { name: page, severities: [page, critical], channels: [webhook, email], repeatMinutes: 15 }
    - { name: warning, severities: [warning], channels: [webhook], repeatMinutes: 60 }
`;

describe('escalation policy section', () => {
  it('is optional: a policy without it loads with escalation undefined', () => {
    expect(parsePolicy('mode: observe\n').escalation).toBeUndefined();
  });

  it('loads the example file\'s section', () => {
    // The example keeps the section commented out (a copy messages nobody); uncommented it is valid.
    expect(loadPolicy(exampleFile).escalation).toBeUndefined();
    const lines = readFileSync(exampleFile, 'utf8').split('\n');
    const start = lines.indexOf('# escalation:');
    const end = lines.findIndex((l, i) => i > start && l.startsWith('# ---'));
    process.env.KONA_TRIAGE_WEBHOOK_SECRET = 'from-the-environment';
    process.env.KONA_TRIAGE_NTFY_TOKEN = 'ntfy-token-from-the-environment';
    let e;
    try {
      e = parsePolicy(lines.slice(start, end).map((l) => l.replace(/^# ?/, '')).join('\n')).escalation!;
    } finally {
      delete process.env.KONA_TRIAGE_WEBHOOK_SECRET;
      delete process.env.KONA_TRIAGE_NTFY_TOKEN;
    }
    expect(e.channels.webhook?.headers).toEqual({ 'X-Kona-Triage': 'from-the-environment' });
    // A self-hosted ntfy with a token, never a public push service that would hold every message.
    expect(e.channels.ntfy).toMatchObject({ url: 'https://ntfy.ops.kona.example.org/kona-ops', token: 'ntfy-token-from-the-environment' });
    expect(readFileSync(exampleFile, 'utf8')).not.toMatch(/ntfy\.sh|pushover\.net|pushbullet\.com|gotify\.net|api\.telegram\.org/i);
    expect(e.ackBaseUrl).toBe('https://triage.kona.example.org/');
    expect(e.tiers.map((t) => [t.name, t.repeatMinutes])).toEqual([['page', 15], ['warning', 60]]);
    expect(Object.keys(e.channels).filter((k) => e.channels[k as keyof typeof e.channels] !== undefined).sort()).toEqual(['ntfy', 'webhook']);
    expect(e.historyLimit).toBe(10);
    expect(e.grouping).toEqual({ by: [], waitSeconds: 30, intervalMinutes: 5 });
  });

  it('groups messages only when asked, with Alertmanager\'s defaults (one group per tier, 30 s wait, 5-minute interval)', () => {
    expect(parsePolicy(section).escalation!.grouping).toBeUndefined();
    expect(parsePolicy(`${section}  grouping: {}\n`).escalation!.grouping).toEqual({ by: [], waitSeconds: 30, intervalMinutes: 5 });
    expect(parsePolicy(`${section}  grouping: { by: [namespace], waitSeconds: 0, intervalMinutes: 2 }\n`).escalation!.grouping).toEqual({ by: ['namespace'], waitSeconds: 0, intervalMinutes: 2 });
    expect(() => parsePolicy(`${section}  grouping: { by: ["not a label"] }\n`)).toThrow(/escalation\.grouping\.by\[0\]: is not a label name/);
  });

  it('parses a section with defaults (historyLimit 10, severities [])', () => {
    const e = parsePolicy(section).escalation!;
    expect(e.historyLimit).toBe(10);
    expect(e.channels.email).toEqual({ to: ['ops@example.org'] });
  });

  it('refuses a tier naming a channel that is not configured, with line and path', () => {
    expect(() => parsePolicy(section.replace('channels: [webhook], repeatMinutes: 60', 'channels: [ntfy], repeatMinutes: 60'))).toThrow(
      /:9:\d+: escalation\.tiers\[1\]\.channels\[0\]: channel "ntfy" is not configured under escalation\.channels/,
    );
  });

  it('refuses unknownTier naming no tier, duplicate tier names, no channels, bad URLs and header line breaks', () => {
    expect(() => parsePolicy(`${section}  unknownTier: pager\n`)).toThrow(/escalation\.unknownTier: names no tier \(tiers: page, warning\)/);
    expect(() => parsePolicy(section.replace('name: warning', 'name: page'))).toThrow(/escalation\.tiers\[1\]\.name: "page" is already the name of an earlier tier/);
    expect(() => escalationPolicySchema.parse({ ackBaseUrl: 'https://t/', channels: {}, tiers: [] })).toThrow(/at least one channel[\s\S]*at least one tier/);
    expect(() => parsePolicy(section.replace('https://hooks.example.org/x', 'file:///etc/passwd'))).toThrow(/escalation\.channels\.webhook\.url: must be an http\(s\) URL/);
    const crlf = escalationPolicySchema.safeParse({ ackBaseUrl: 'https://t/', channels: { webhook: { url: 'https://h/', headers: { 'X-A': 'a\r\nX-B: b' } } }, tiers: [{ name: 'p', channels: ['webhook'], repeatMinutes: 5 }] });
    expect(crlf.success).toBe(false);
  });

  it('takes secrets written as ${NAME} from the environment, and refuses a variable that is not set, with its line', () => {
    const withSecrets = section
      .replace('https://hooks.example.org/x', '"${KONA_TEST_TRIAGE_HOOK_URL}"')
      .replace('webhook: { url:', 'webhook: { headers: { X-Secret: "${KONA_TEST_TRIAGE_HOOK_SECRET}" }, url:');
    process.env.KONA_TEST_TRIAGE_HOOK_URL = 'https://hooks.example.org/from-env';
    process.env.KONA_TEST_TRIAGE_HOOK_SECRET = 'shared-secret-from-env';
    try {
      const webhook = parsePolicy(withSecrets).escalation!.channels.webhook!;
      expect(webhook).toEqual({ url: 'https://hooks.example.org/from-env', headers: { 'X-Secret': 'shared-secret-from-env' } });
      delete process.env.KONA_TEST_TRIAGE_HOOK_SECRET;
      expect(() => parsePolicy(withSecrets)).toThrow(/:\d+:\d+: escalation\.channels\.webhook\.headers\.X-Secret: names the environment variable KONA_TEST_TRIAGE_HOOK_SECRET, which is not set/);
      process.env.KONA_TEST_TRIAGE_HOOK_URL = 'ftp://not-http';
      process.env.KONA_TEST_TRIAGE_HOOK_SECRET = 'x';
      expect(() => parsePolicy(withSecrets)).toThrow(/escalation\.channels\.webhook\.url: must be an http\(s\) URL/);
    } finally {
      delete process.env.KONA_TEST_TRIAGE_HOOK_URL;
      delete process.env.KONA_TEST_TRIAGE_HOOK_SECRET;
    }
  });

  it('chooses tiers: by severity in order, unknown class to unknownTier, others to defaultTier or the first', () => {
    const p = escalationPolicySchema.parse({
      ackBaseUrl: 'https://t/', channels: { webhook: { url: 'https://h/' } },
      tiers: [
        { name: 'page', severities: ['page', 'critical'], channels: ['webhook'], repeatMinutes: 15 },
        { name: 'warning', severities: ['warning'], channels: ['webhook'], repeatMinutes: 60 },
        { name: 'low', severities: ['info'], channels: ['webhook'], repeatMinutes: 240 },
      ],
    }) as EscalationSettings;
    expect(tierFor(p, { class: 'serious', severity: 'critical' }).name).toBe('page');
    expect(tierFor(p, { class: 'routine', severity: 'warning' }).name).toBe('warning');
    expect(tierFor(p, { class: 'unknown', severity: 'info' }).name).toBe('page');
    expect(tierFor(p, { class: 'serious', severity: '' }).name).toBe('page');
    expect(tierFor({ ...p, unknownTier: 'warning', defaultTier: 'low' }, { class: 'unknown', severity: 'critical' }).name).toBe('warning');
    expect(tierFor({ ...p, defaultTier: 'low' }, { class: 'serious', severity: 'bogus' }).name).toBe('low');
  });
});
