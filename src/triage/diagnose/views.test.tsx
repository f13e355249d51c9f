import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import type { DiagnosisRecord } from './diagnoser.js';
import { DiagnosesSection } from './views.js';

const record = (over: Partial<DiagnosisRecord> = {}): DiagnosisRecord => ({
  id: '7', decisionId: 'd-9', fingerprint: 'ebf87c32b5acb466', alertname: 'TargetDown', endpointHost: 'models.example.net', model: 'big',
  sentText: 'Alert TargetDown is firing.\nSummary annotation: <script>alert(1)</script> [email]', removed: { email: 1, secret: 2 }, dropped: ['annotation description', 'label owner_email'],
  responseText: 'Check <b>the</b> service.', status: 'answered', error: null, createdAt: Date.UTC(2026, 10, 25, 17), finishedAt: Date.UTC(2026, 10, 25, 17, 0, 5),
  ...over,
});

describe('diagnosis section of the page', () => {
  it('shows exactly what was sent and the answer, escaped', () => {
    const html = renderToString(<DiagnosesSection enabled records={[record()]} />);
    expect(html).toContain('Alert TargetDown is firing.\nSummary annotation: &lt;script>alert(1)&lt;/script> [email]');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>the</b>');
    expect(html).toContain('1 email, 2 secret');
    expect(html).toContain('annotation description, label owner_email');
    expect(html).toContain('models.example.net');
    expect(html).toContain('untrusted DATA');
  });

  it('says when it is off and shows failures', () => {
    expect(renderToString(<DiagnosesSection enabled={false} records={[]} />)).toContain('Off: nothing is sent anywhere.');
    const failed = renderToString(<DiagnosesSection enabled records={[record({ status: 'failed', responseText: null, error: 'the endpoint answered HTTP 500' })]} />);
    expect(failed).toContain('failed: the endpoint answered HTTP 500');
  });
});
