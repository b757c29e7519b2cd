// Writes contracts/asyncapi.yaml, and the Kafka contract section of contracts/README.md, from the TypeScript contract.
// Run after changing an event or schema:
//   npx node -r @swc-node/register contracts/scripts/generate-asyncapi.ts
// `--check` exits 1 when a committed file is out of date instead of writing it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asyncApiYaml, readmeWithKafkaContract } from '../src/asyncapi-yaml';

const yamlPath = join(__dirname, '..', 'asyncapi.yaml');
const readmePath = join(__dirname, '..', 'README.md');
const targets: [path: string, generated: string][] = [
  [yamlPath, asyncApiYaml()],
  [readmePath, readmeWithKafkaContract(readFileSync(readmePath, 'utf8'))],
];

for (const [target, generated] of targets) {
  if (process.argv.includes('--check')) {
    if (readFileSync(target, 'utf8') !== generated) {
      console.error(`${target} is out of date: run contracts/scripts/generate-asyncapi.ts`);
      process.exitCode = 1;
    }
  } else {
    writeFileSync(target, generated);
    console.log(`wrote ${target}`);
  }
}
