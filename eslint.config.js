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
    { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:infrastructure', 'type:domain-kit', 'type:contracts', 'type:testing'] },
  ];
};

const INFRASTRUCTURE = ['@nestjs/*', 'pg', 'pg-*', 'kafkajs', 'typeorm', '@grpc/*', 'express', '@electric-sql/*', '@opentelemetry/*'];

module.exports = tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.data/**', '.infra/**', 'infra/kafka/lib/**', '**/*.js', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/no-unsafe-function-type': 'off',
      '@nx/enforce-module-boundaries': ['error', { allow: [], depConstraints: boundaries(false) }],
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
