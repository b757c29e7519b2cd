import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { boot, doorsOf, permissionTable } from '@gantry/platform';
import { asyncApiYaml, readmeWithKafkaContract } from '../contracts/src/asyncapi-yaml';
import {
  grpcTypes,
  GRPC_TYPES_DIR,
  INTEGRATION_DOC,
  OPENAPI_FILE,
  openApiText,
  operationsModule,
  OPERATIONS_FILE,
  REPO_ROOT,
  REST_TYPES_FILE,
  restTypes,
  withRouteTable,
  type OpenApi,
} from '../libs/client/codegen/generate';
import { openApiDocument } from '../services/standalone/src/openapi';
import { standalone } from '../services/standalone/src/standalone';

/**
 * `npm run contracts:generate`: every document and type made from the code, in one go. contracts/asyncapi.yaml (the
 * events) and the Kafka contract section of contracts/README.md, contracts/openapi.json (the REST surface, from the embedded default booted on a throw-away PGlite, port 0),
 * docs/permissions.md (as `npm run docs:permissions`), and from those and the protos @gantry/client's generated types
 * and docs/integration.md's route table.
 */
async function main() {
  const write = (file: string, text: string) => {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    console.log(`wrote ${file.slice(REPO_ROOT.length + 1)}`);
  };
  // what contracts/scripts/generate-asyncapi.ts writes
  write(join(REPO_ROOT, 'contracts', 'asyncapi.yaml'), asyncApiYaml());
  const contractsReadme = join(REPO_ROOT, 'contracts', 'README.md');
  write(contractsReadme, readmeWithKafkaContract(readFileSync(contractsReadme, 'utf8')));

  const dataDir = mkdtempSync(join(tmpdir(), 'gantry-openapi-'));
  const running = await boot('standalone', { ...standalone, env: { GANTRY_DATA_DIR: dataDir, PORT: '0', GRPC_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' } });
  let openapi: OpenApi;
  try {
    openapi = (await openApiDocument(running)) as OpenApi;
    write(join(REPO_ROOT, 'docs', 'permissions.md'), permissionTable(doorsOf(running.app)));
  } finally {
    await running.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  write(OPENAPI_FILE, openApiText(openapi));
  write(REST_TYPES_FILE, await restTypes(openapi));
  write(OPERATIONS_FILE, operationsModule(openapi));
  rmSync(GRPC_TYPES_DIR, { recursive: true, force: true });
  for (const [file, text] of grpcTypes()) write(join(GRPC_TYPES_DIR, file), text);
  write(INTEGRATION_DOC, withRouteTable(readFileSync(INTEGRATION_DOC, 'utf8'), openapi));
}

void main().then(() => process.exit(0), (error) => (console.error(error), process.exit(1)));
