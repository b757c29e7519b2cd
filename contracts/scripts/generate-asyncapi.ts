// Writes contracts/asyncapi.yaml from the TypeScript contract. Run after changing an event or schema:
//   npx node -r @swc-node/register contracts/scripts/generate-asyncapi.ts
// `--check` exits 1 when the committed file is out of date instead of writing it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asyncApiYaml } from '../src/asyncapi-yaml';

const target = join(__dirname, '..', 'asyncapi.yaml');
const generated = asyncApiYaml();

if (process.argv.includes('--check')) {
  const current = readFileSync(target, 'utf8');
  if (current !== generated) {
    console.error(`${target} is out of date: run contracts/scripts/generate-asyncapi.ts`);
    process.exit(1);
  }
} else {
  writeFileSync(target, generated);
  console.log(`wrote ${target}`);
}
