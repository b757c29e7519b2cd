// Lint: TypeScript rules, and the architecture: deciders stay pure, libraries never reach into services,
// services never reach into each other (they talk over Kafka), only the standalone process composes them.
const nx = require('@nx/eslint-plugin');
const tseslint = require('typescript-eslint');

/** Who may depend on whom; tests may also use the testing library. */
const boundaries = (inTests) => {
  const testing = inTests ? ['type:testing'] : [];
  return [
    { sourceTag: 'type:domain-kit', onlyDependOnLibsWithTags: testing, bannedExternalImports: INFRASTRUCTURE },
    { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: testing, bannedExternalImports: ['@nestjs/*', 'pg', 'kafkajs', 'typeorm', 'express'] },
    { sourceTag: 'type:infrastructure', onlyDependOnLibsWithTags: ['type:infrastructure', 'type:domain-kit', 'type:contracts', ...testing] },
    { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:infrastructure', 'type:domain-kit', 'type:contracts', ...testing] },
    // the composition's tests walk every door of the composed services: they read the contracts too
    { sourceTag: 'type:composition', onlyDependOnLibsWithTags: ['type:service', 'type:infrastructure', ...(inTests ? ['type:contracts', ...testing] : [])] },
    { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:infrastructure', 'type:domain-kit', 'type:contracts', 'type:testing', 'type:client'] },
    // what integrators (and the CLI and console) use: the contracts, and nothing of Gantry's insides
    { sourceTag: 'type:client', onlyDependOnLibsWithTags: ['type:contracts', ...testing] },
    // the `gantry` CLI: the client for every call to a server; auth and platform only for what runs without one
    // (`gantry token` mints with the development secret)
    { sourceTag: 'type:cli', onlyDependOnLibsWithTags: ['type:client', 'type:contracts', 'type:infrastructure', ...testing] },
    // the web console: the client, the roles table (libs/auth/src/roles.ts, a pure file) to offer what a role may do, and
    // the contracts' weekly windows (contracts/src/weekly-windows.ts, pure) to lay the schedule out in an environment's time zone
    { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:client', 'type:infrastructure', 'type:contracts', ...(inTests ? ['type:domain-kit', ...testing] : [])], bannedExternalImports: INFRASTRUCTURE },
  ];
};

const INFRASTRUCTURE = ['@nestjs/*', 'pg', 'pg-*', 'kafkajs', 'typeorm', '@grpc/*', 'express', '@electric-sql/*', '@opentelemetry/*'];

module.exports = tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'libs/client/src/generated/**', '.data/**', '.infra/**', 'infra/kafka/lib/**', '**/*.js', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/no-unsafe-function-type': 'off',
      '@nx/enforce-module-boundaries': ['error', { allow: [], depConstraints: boundaries(false) }],
    },
  },
  {
    // One clock and one id source (libs/platform/src/clock.ts): the doors (a request, a consumed message, a due timer,
    // a poller) read the process's clock once per command and hand its moment down in the command's context, so
    // tests can move time. Infrastructure keeps the system's time where the time is the machine's, not the
    // command's: the event store's recordedAt, metrics and logs, retry backoff, JWT expiry, the broker client (libs
    // outside platform), and platform's boot (shutdown timing), rate limit (token buckets) and API keys (throttling
    // last-use writes).
    // Deciders have their own, stricter block below (it replaces these rules for them).
    files: ['services/*/src/**/*.ts', 'libs/platform/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/test-fixtures.ts', '**/main.ts', 'libs/platform/src/clock.ts', 'libs/platform/src/boot.ts', 'libs/platform/src/http-hardening.ts', 'libs/platform/src/api-keys.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: "the time comes from the command's context (its `now`), read from the process's Clock at the door" },
        { object: 'crypto', property: 'randomUUID', message: "new ids come from the command's context (`newId()`), the process's Clock" },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: "the time comes from the command's context (its `now`), read from the process's Clock at the door" },
        { selector: "CallExpression[callee.name='Date']", message: "the time comes from the command's context (its `now`), read from the process's Clock at the door" },
      ],
      'no-restricted-imports': [
        'error',
        ...['node:crypto', 'crypto'].map((name) => ({ name, importNames: ['randomUUID'], message: "new ids come from the command's context (`newId()`), the process's Clock" })),
      ],
    },
  },
  {
    // A decider is pure: no framework, no database, no broker, no clock or randomness of its own.
    files: ['**/*.decider.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: INFRASTRUCTURE, message: 'deciders are pure: frameworks and I/O stay at the edges' },
            { group: ['@gantry/event-store', '@gantry/messaging', '@gantry/platform', '@gantry/auth', '@gantry/observability', 'node:*'], message: 'deciders are pure: no I/O' },
          ],
        },
      ],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'time arrives in the command' }, { object: 'Math', property: 'random', message: 'ids arrive in the command' }],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'time arrives in the command' }],
    },
  },
  {
    files: ['**/*.spec.ts', '**/test-fixtures.ts', 'e2e/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', { allow: [], depConstraints: boundaries(true) }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
);
