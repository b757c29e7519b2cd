import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const { checkImports } = require('./check-imports') as { checkImports: (root: string) => { violations: string[] } };

/** A repository of the given files (path → source) with a tsconfig whose one alias is @gantry/platform. */
function repository(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'gantry-check-imports-'));
  const all = { 'tsconfig.base.json': JSON.stringify({ compilerOptions: { paths: { '@gantry/platform': ['libs/platform/src/index.ts'] } } }), ...files };
  for (const [path, source] of Object.entries(all)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), source);
  }
  return root;
}

const violationsOf = (files: Record<string, string>) => {
  const root = repository(files);
  try {
    return checkImports(root).violations;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
};

const slices = {
  'libs/platform/src/index.ts': 'export const clock = 1;',
  'services/planning/src/planning.module.ts': "import { plan } from './deployments';\nimport { clock } from '@gantry/platform';",
  'services/planning/src/deployments/index.ts': "export { plan } from './plan';",
  'services/planning/src/deployments/plan.ts': "import { window } from '../schedule';\nexport const plan = window;",
  'services/planning/src/schedule/index.ts': "export { window } from './window';",
  'services/planning/src/schedule/window.ts': 'export const window = 1;',
  'services/planning/src/schedule/window.unit.spec.ts': "import { window } from './window';",
};

it('passes slices that reach each other through their index.ts, without loops', () => {
  expect(violationsOf(slices)).toEqual([]);
});

it('fails a slice that imports a file inside another slice', () => {
  const violations = violationsOf({ ...slices, 'services/planning/src/deployments/plan.ts': "import { window } from '../schedule/window';\nexport const plan = window;" });
  expect(violations).toEqual(["services/planning/src/deployments/plan.ts reaches into slice services/planning/src/schedule ('../schedule/window'): import its index.ts"]);
});

it('fails a test that reaches into another slice, not one that reaches into its own', () => {
  const violations = violationsOf({ ...slices, 'services/planning/src/deployments/plan.unit.spec.ts': "import { window } from '../schedule/window';" });
  expect(violations).toHaveLength(1);
  expect(violations[0]).toMatch(/^services\/planning\/src\/deployments\/plan.unit.spec.ts reaches into slice services\/planning\/src\/schedule/);
});

it('fails a loop between two slices, naming the imports that close it', () => {
  const violations = violationsOf({ ...slices, 'services/planning/src/schedule/window.ts': "import { plan } from '../deployments';\nexport const window = 1;" });
  expect(violations).toEqual([
    'import loop between files:\n    services/planning/src/deployments/index.ts\n    services/planning/src/deployments/plan.ts\n    services/planning/src/schedule/index.ts\n    services/planning/src/schedule/window.ts',
    'import loop between services/planning/src/deployments, services/planning/src/schedule:\n    services/planning/src/deployments/plan.ts → services/planning/src/schedule/index.ts\n    services/planning/src/schedule/window.ts → services/planning/src/deployments/index.ts',
  ]);
});

it('fails a loop between files, type-only imports included, and one through a library alias', () => {
  const violations = violationsOf({
    ...slices,
    'libs/platform/src/index.ts': "export const clock = 1;\nexport * from './host';",
    'libs/platform/src/host.ts': "import type { Key } from './keys';",
    'libs/platform/src/keys.ts': "import { clock } from '@gantry/platform';\nexport type Key = string;",
  });
  expect(violations).toEqual([expect.stringMatching(/^import loop between files:\n {4}libs\/platform\/src\/host.ts\n {4}libs\/platform\/src\/index.ts\n {4}libs\/platform\/src\/keys.ts$/)]);
});
