// One Jest run for the whole workspace. Files say their layer: *.unit.spec.ts, *.int.spec.ts, *.e2e.spec.ts.
const { compilerOptions } = require('./tsconfig.base.json');
const swcrc = JSON.parse(require('fs').readFileSync(__dirname + '/.swcrc', 'utf8'));

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target}`]),
);

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false }] },
  moduleNameMapper,
  testMatch: ['<rootDir>/{apps,libs,services,contracts,infra,bench,e2e,scripts}/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.data/'],
  globalSetup: '<rootDir>/libs/testing/src/global-setup.js',
  globalTeardown: '<rootDir>/libs/testing/src/global-teardown.js',
  testTimeout: 60_000,
  maxWorkers: 2,
};
