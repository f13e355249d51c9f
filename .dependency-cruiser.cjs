// dependency-cruiser: the import rules that keep the modular monolith modular (docs/ARCHITECTURE.md).
// Run by `npm run lint:deps`, which `npm run lint` and .ci/run include.

/** Files that exist only for tests: tests, their helpers and fakes, the shared harness, benchmarks. */
const testFiles = ['\\.test\\.tsx?$', '\\.testing\\.tsx?$', '^test/', '^bench/'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Modules that import each other, directly or round a loop, cannot be read, tested or moved ' +
        'apart, and a runtime loop can hand a module a binding still in its temporal dead zone. ' +
        'Type-only loops count too: they are the same tangle for a reader, and the usual cause (a ' +
        'module that defines a contract and imports its implementers) is fixed the same way.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'feature-public-face',
      severity: 'error',
      comment:
        "A feature's *.public.ts is its only door: another feature imports nothing else of it, so " +
        'its other files can change without breaking anyone. Type-only imports count too. Tests ' +
        "may also use another feature's *.testing.ts helpers (no-testing-in-build keeps those to tests).",
      from: { path: '^src/features/([^/]+)/' },
      to: {
        path: '^src/features/([^/]+)/',
        pathNot: ['^src/features/$1/', '\\.public\\.tsx?$', '\\.testing\\.tsx?$'],
      },
    },
    {
      name: 'ops-public-face',
      severity: 'error',
      comment:
        'src/ops (backups, restores, drills) is reached from the rescue domain only through its ' +
        '*.public.ts faces (the operator console reads ops/backup/backup.public.ts), so the backup ' +
        'machinery can change without breaking a page. Type-only imports count too.',
      from: { path: '^src/features/', pathNot: testFiles },
      to: { path: '^src/ops/', pathNot: '\\.public\\.tsx?$' },
    },
    {
      name: 'no-testing-in-build',
      severity: 'error',
      comment:
        'tsconfig.build.json leaves tests and *.testing.ts out of dist/, so code that ships must ' +
        'not import them (nor the test/ harness): the build would break or carry fakes.',
      from: { pathNot: testFiles },
      to: { path: ['\\.testing\\.tsx?$', '^test/'] },
    },
    {
      name: 'platform-below-domain',
      severity: 'error',
      comment:
        'src/platform is shared machinery with no business rules: it serves features, apps and ' +
        'triage and imports none of them (they register with it instead).',
      from: { path: '^src/platform/' },
      to: { path: ['^src/features/', '^src/apps/', '^src/triage/'] },
    },
    {
      name: 'features-below-apps',
      severity: 'error',
      comment:
        'Process roles (src/apps) assemble features; a feature never reaches up into one. A feature\'s ' +
        'integration tests may build the assembled app (apps/web.ts) to drive it, as test/harness does.',
      from: { path: '^src/features/', pathNot: testFiles },
      to: { path: '^src/apps/' },
    },
    {
      name: 'inference-is-a-service',
      severity: 'error',
      comment:
        'The dispatcher is a separate service reached over its versioned HTTP contract; it does ' +
        'not know the rescue domain, the process roles, triage or the platform (but for the leaf clock).',
      from: { path: '^src/inference/' },
      to: { path: ['^src/features/', '^src/apps/', '^src/triage/', '^src/platform/(?!clock/)'] },
    },
    {
      name: 'clock-is-a-leaf',
      severity: 'error',
      comment:
        'platform/clock is the one injected clock of every service, the dispatcher included; it ' +
        'imports nothing of Kona\'s, so depending on it never drags the platform along.',
      from: { path: '^src/platform/clock/' },
      to: { path: '^src/', pathNot: '^src/platform/clock/' },
    },
    {
      name: 'triage-is-a-service',
      severity: 'error',
      comment:
        'Alert triage is a separate service; it does not know the rescue domain or the process roles.',
      from: { path: '^src/triage/' },
      to: { path: ['^src/features/', '^src/apps/'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Count `import type` as a dependency (for the feature boundary), and mark it type-only (for cycles).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.d.ts'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
    cache: false,
  },
};
