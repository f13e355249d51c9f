/**
 * Realistic log lines that carry personal data and secrets, each with the values that must not
 * survive scrubbing (`gone`) and the infrastructure facts that must (`kept`). Names come from the
 * `knownNames` list below (people and dogs as Kona's data would have them).
 */

/** One log line and what scrubbing must remove and keep. */
export interface ScrubCase {
  source: string;
  line: string;
  gone: string[];
  kept: string[];
}

/** People and dogs "from Kona's data" for the name cases. */
export const knownNames = ['Jane Doe', 'Mar\u00eda Garc\u00eda', 'Biscuit', 'Ozzy', 'Tom\u00e1\u0161 Nov\u00e1k'];

/** The fixture: ~30 lines from Kona (pino), PostgreSQL, kubelet, nginx/traefik, stack traces. */
export const scrubCases: ScrubCase[] = [
  {
    source: 'kona pino',
    line: '{"level":50,"time":1732554600123,"pid":7,"hostname":"web-7d9f8c6b5-x2k4p","reqId":"req-1f3","msg":"adoption form mail failed","to":"jane.doe@example.org","err":{"code":"EAUTH"}}',
    gone: ['jane.doe@example.org'],
    kept: ['web-7d9f8c6b5-x2k4p', 'EAUTH', '1732554600123', 'req-1f3'],
  },
  {
    source: 'kona pino',
    line: '{"level":40,"time":1732554601000,"hostname":"worker-5c9d-8hx2q","msg":"foster application from Jane Doe for Biscuit rejected: duplicate","tenant":"rescue-paws"}',
    gone: ['Jane Doe', 'Biscuit'],
    kept: ['worker-5c9d-8hx2q', 'rescue-paws', 'duplicate'],
  },
  {
    source: 'kona pino',
    line: '{"level":30,"time":1732554602000,"msg":"sms sent","phone":"+44 7700 900123","dog":"ozzy","latencyMs":412}',
    gone: ['7700 900123', 'ozzy'],
    kept: ['412', 'sms sent'],
  },
  {
    source: 'kona pino',
    line: '{"level":50,"msg":"outbound webhook 401","headers":{"authorization":"Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0"},"url":"https://hooks.example.net/in"}',
    gone: ['9f8e7d6c5b4a39281706f5e4d3c2b1a0'],
    kept: ['outbound webhook 401', 'hooks.example.net'],
  },
  {
    source: 'kona pino',
    line: '{"level":50,"msg":"config","env":{"PGPASSWORD":"Tr0ub4dor&3","SMTP_PASS":"s3cr3t-mail","KONA_SESSION_SECRET":"b64:q83vEjRWeJA="}}',
    gone: ['Tr0ub4dor', 's3cr3t-mail', 'q83vEjRWeJA'],
    kept: ['PGPASSWORD', 'KONA_SESSION_SECRET'],
  },
  {
    source: 'kona pino',
    line: '{"level":40,"msg":"github sync failed","token":"ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8","status":403}',
    gone: ['ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'],
    kept: ['403', 'github sync failed'],
  },
  {
    source: 'kona pino',
    line: 'level=error ts=2026-11-25T17:10:00.123Z caller=notify.go:88 msg="slack post failed" slack_token=xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp code=invalid_auth',
    gone: ['xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp'],
    kept: ['2026-11-25T17:10:00.123Z', 'notify.go:88', 'invalid_auth'],
  },
  {
    source: 'backup job',
    line: 'time="2026-11-25T03:00:02Z" level=error msg="upload to s3 failed" access_key_id=AKIAIOSFODNN7EXAMPLE aws_secret_access_key=wJalrXUtnFI/K7MDENG/bPxRfiCYEXAMPLEKEY bucket=kona-backups',
    gone: ['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    kept: ['kona-backups', '2026-11-25T03:00:02Z', 'upload to s3 failed'],
  },
  {
    source: 'postgresql',
    line: '2026-11-25 17:10:01.234 UTC [4123] kona@kona_rescue_paws ERROR:  duplicate key value violates unique constraint "people_email_key"',
    gone: [],
    kept: ['[4123]', 'people_email_key', '2026-11-25 17:10:01.234 UTC', 'ERROR:'],
  },
  {
    source: 'postgresql',
    line: '2026-11-25 17:10:01.234 UTC [4123] DETAIL:  Key (email)=(maria.garcia@paws-rescue.example) already exists.',
    gone: ['maria.garcia@paws-rescue.example'],
    kept: ['Key (email)', 'already exists', '[4123]'],
  },
  {
    source: 'postgresql',
    line: '2026-11-25 17:10:02.001 UTC [4130] STATEMENT:  UPDATE people SET phone = \'(555) 123-4567\', name = \'María García\' WHERE id = 42',
    gone: ['123-4567', 'María García'],
    kept: ['[4130]', 'UPDATE people SET phone', 'id = 42'],
  },
  {
    source: 'postgresql',
    line: '2026-11-25 17:10:03.500 UTC [4140] FATAL:  password authentication failed for user "kona_app"',
    gone: [],
    kept: ['FATAL:', 'password authentication failed', 'kona_app', '[4140]'],
  },
  {
    source: 'postgresql',
    line: '2026-11-25 17:10:04.000 UTC [4150] LOG:  connection received: host=10.42.0.17 port=51234',
    gone: [],
    kept: ['10.42.0.17', '51234', 'LOG:'],
  },
  {
    source: 'kubelet',
    line: 'Nov 25 17:10:05 node-a k3s[812]: E1125 17:10:05.123456 812 pod_workers.go:1298] "Error syncing pod, skipping" err="failed to \\"StartContainer\\" for \\"web\\" with CrashLoopBackOff: \\"back-off 5m0s restarting failed container=web pod=web-7d9f8c6b5-x2k4p_kona(3f2a9c1e-8b7d-4e6f-a5c4-1b2d3e4f5a6b)\\"" pod="kona/web-7d9f8c6b5-x2k4p"',
    gone: [],
    kept: ['CrashLoopBackOff', 'web-7d9f8c6b5-x2k4p', 'pod_workers.go:1298', '3f2a9c1e-8b7d-4e6f-a5c4-1b2d3e4f5a6b', 'back-off 5m0s', 'E1125 17:10:05.123456'],
  },
  {
    source: 'kubelet',
    line: 'Nov 25 17:10:06 node-a k3s[812]: I1125 17:10:06.000001 812 kuberuntime_manager.go:1030] "Back-off pulling image" image="registry.example.net/kona/web:1.4.2" err="pull access denied: Authorization: Basic a29uYTpodW50ZXIy"',
    gone: ['a29uYTpodW50ZXIy'],
    kept: ['registry.example.net/kona/web:1.4.2', 'kuberuntime_manager.go:1030', 'Back-off pulling image'],
  },
  {
    source: 'kubectl event',
    line: 'Warning  Unhealthy  pod/web-7d9f8c6b5-x2k4p  Readiness probe failed: Get "http://10.42.1.23:8080/health": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
    gone: [],
    kept: ['http://10.42.1.23:8080/health', 'Readiness probe failed', 'context deadline exceeded'],
  },
  {
    source: 'kubectl event',
    line: 'Warning  FailedMount  pod/db-1  MountVolume.SetUp failed for volume "pvc-4f1c2d3e" : rpc error: code = Internal desc = mount failed: exit status 32',
    gone: [],
    kept: ['pvc-4f1c2d3e', 'exit status 32', 'code = Internal', 'MountVolume.SetUp failed'],
  },
  {
    source: 'nginx',
    line: '203.0.113.45 - - [25/Nov/2026:17:10:07 +0000] "GET /rescue-paws/people?search=jane.doe%40example.org&page=2 HTTP/1.1" 500 512 "-" "Mozilla/5.0"',
    gone: ['203.0.113.45', 'jane.doe%40example.org', 'jane.doe'],
    kept: ['25/Nov/2026:17:10:07 +0000', 'HTTP/1.1" 500 512', '/rescue-paws/people', 'page=2'],
  },
  {
    source: 'nginx',
    line: '198.51.100.7 - - [25/Nov/2026:17:10:08 +0000] "GET /api/export?token=5f4dcc3b5aa765d61d8327deb882cf99&format=csv HTTP/1.1" 401 64 "-" "curl/8.5.0"',
    gone: ['198.51.100.7', '5f4dcc3b5aa765d61d8327deb882cf99'],
    kept: ['401 64', 'format=csv', 'curl/8.5.0'],
  },
  {
    source: 'traefik',
    line: '{"ClientAddr":"2001:db8:85a3::8a2e:370:7334","DownstreamStatus":502,"Duration":30001234567,"RequestPath":"/rescue-paws/adopt?email=ozzy.owner@example.com&phone=%2B4915112345678","RouterName":"kona-web@kubernetescrd","ServiceURL":"http://10.43.12.5:3000","time":"2026-11-25T17:10:09Z"}',
    gone: ['2001:db8:85a3::8a2e:370:7334', 'ozzy.owner@example.com', '4915112345678'],
    kept: ['"DownstreamStatus":502', 'kona-web@kubernetescrd', 'http://10.43.12.5:3000', '2026-11-25T17:10:09Z'],
  },
  {
    source: 'traefik',
    line: '10.42.0.1 - - [25/Nov/2026:17:10:10 +0000] "POST /login HTTP/2.0" 200 31 "-" "-" 9981 "kona-web@kubernetescrd" "http://10.42.1.23:3000" 12ms',
    gone: [],
    kept: ['10.42.0.1', 'POST /login', '9981', 'http://10.42.1.23:3000', '12ms'],
  },
  {
    source: 'stack trace',
    line: 'Error: connect ECONNREFUSED 10.43.0.15:5432\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)\n  dsn: postgres://kona_app:Pa55w0rd!x@kona-db-rw.kona.svc:5432/kona?sslmode=require',
    gone: ['Pa55w0rd!x', 'kona_app:'],
    kept: ['ECONNREFUSED 10.43.0.15:5432', 'node:net:1555:16', 'kona-db-rw.kona.svc:5432/kona', 'sslmode=require'],
  },
  {
    source: 'stack trace',
    line: 'Sentry DSN https://4f2e8a0c9b1d4e7fa3c5b6d7e8f90a1b@o123456.ingest.example.io/7654321 rejected event: 429 Too Many Requests',
    gone: ['4f2e8a0c9b1d4e7fa3c5b6d7e8f90a1b'],
    kept: ['o123456.ingest.example.io/7654321', '429 Too Many Requests'],
  },
  {
    source: 'stack trace',
    line: 'SmtpError: 535 5.7.8 Authentication failed for smtp://postmaster:Hunter2-Sup3rSecret@mail.example.net:587 (recipient adopt@paws-rescue.example, +44 7700 900123)',
    gone: ['Hunter2-Sup3rSecret', 'postmaster', 'adopt@paws-rescue.example', '7700 900123'],
    kept: ['535 5.7.8', 'mail.example.net:587'],
  },
  {
    source: 'stack trace',
    line: 'JsonWebTokenError: invalid signature for eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJrb25hIn0.c2lnbmF0dXJlLXNlY3JldA at verify (/app/dist/platform/http/auth.js:88:11)',
    gone: ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJrb25hIn0.c2lnbmF0dXJlLXNlY3JldA'],
    kept: ['/app/dist/platform/http/auth.js:88:11', 'JsonWebTokenError: invalid signature'],
  },
  {
    source: 'secret dump',
    line: 'tls.key: -----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq3mQ9m1Xr0lKc9dDk2aW5lc3Rvcm0K\nq1w2e3r4t5y6u7i8o9p0AbCdEfGhIjKlMnOpQrStUvWxYz==\n-----END RSA PRIVATE KEY----- mounted from secret kona-tls',
    gone: ['MIIEowIBAAKCAQEA7bq3mQ9m1Xr0lKc9dDk2aW5lc3Rvcm0K', 'q1w2e3r4t5y6u7i8o9p0AbCdEfGhIjKlMnOpQrStUvWxYz'],
    kept: ['kona-tls', 'mounted from secret'],
  },
  {
    source: 'kona pino',
    line: '{"level":30,"msg":"volunteer rota","phones":["07700 900456","(555) 987-6543","555.222.3344","030 12345678","06 12 34 56 78"],"shift":"2026-11-26 08:00"}',
    gone: ['900456', '987-6543', '222.3344', '12345678', '34 56 78'],
    kept: ['2026-11-26 08:00', 'volunteer rota'],
  },
  {
    source: 'kona pino',
    line: '{"level":50,"msg":"ntfy push failed","url":"https://ntfy.example.net/kona-alerts?auth=QmFzaWMgYTI5dVlUcHdZWE56","status":403,"owner":"Tomáš Novák","dog":"OZZY"}',
    gone: ['QmFzaWMgYTI5dVlUcHdZWE56', 'Tomáš Novák', 'OZZY'],
    kept: ['ntfy.example.net/kona-alerts', '403', 'ntfy push failed'],
  },
  {
    source: 'kona pino',
    line: '{"level":40,"msg":"model call","api_key":"sk-proj-AbCdEfGhIjKlMnOpQrStUvWx123456","x-api-key":"0123456789abcdef0123456789abcdef","cookie":"kona_session=s%3Aabc123def456.xyz"}',
    gone: ['sk-proj-AbCdEfGhIjKlMnOpQrStUvWx123456', '0123456789abcdef0123456789abcdef', 'abc123def456'],
    kept: ['model call'],
  },
  {
    source: 'node exporter',
    line: 'node_filesystem_avail_bytes{device="/dev/sda1",fstype="ext4",instance="10.0.0.5:9100",mountpoint="/var/lib/rancher"} 1.2345e+09 at 2026-11-25T17:10:11.000+01:00',
    gone: [],
    kept: ['10.0.0.5:9100', '/var/lib/rancher', '1.2345e+09', '2026-11-25T17:10:11.000+01:00', '/dev/sda1'],
  },
  {
    source: 'kona pino',
    line: '{"level":30,"time":"2026-11-25T17:10:12.345Z","msg":"dog Biscuit (id 1842) moved to foster; biscuits restocked","durationMs":18,"version":"1.4.2","ip":"::1"}',
    gone: ['Biscuit'],
    kept: ['biscuits restocked', 'id 1842', '1.4.2', '"durationMs":18', '2026-11-25T17:10:12.345Z', '::1'],
  },
];
