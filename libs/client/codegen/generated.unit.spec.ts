import { readFileSync } from 'node:fs';
import { filesUnder, grpcTypes, GRPC_TYPES_DIR, INTEGRATION_DOC, operationsModule, OPERATIONS_FILE, readOpenApi, REST_TYPES_FILE, restTypes, withRouteTable } from './generate';

/** The committed generated files are what `npm run contracts:generate` makes now from contracts/openapi.json and the protos. */
describe('@gantry/client generated from the contracts (regenerate with npm run contracts:generate)', () => {
  const openapi = readOpenApi();

  it('has the REST types of contracts/openapi.json', async () => {
    expect(readFileSync(REST_TYPES_FILE, 'utf8')).toBe(await restTypes(openapi));
  });

  it("routes each operation to the service its x-gantry-service names", () => {
    expect(readFileSync(OPERATIONS_FILE, 'utf8')).toBe(operationsModule(openapi));
  });

  it('has the gRPC types of the protos', () => {
    expect(Object.fromEntries(filesUnder(GRPC_TYPES_DIR))).toEqual(Object.fromEntries(grpcTypes()));
  });

  it("docs/integration.md's route table is the one x-gantry-service says", () => {
    const doc = readFileSync(INTEGRATION_DOC, 'utf8');
    expect(doc).toBe(withRouteTable(doc, openapi));
  });

  it('says for every operation which service serves it', () => {
    const services = new Set(['planning', 'verification', 'execution', 'records', 'model-review', 'any']);
    const unknown = Object.entries(openapi.paths).flatMap(([path, ops]) =>
      Object.entries(ops as Record<string, { 'x-gantry-service'?: string }>)
        .filter(([, op]) => !services.has(op['x-gantry-service'] ?? ''))
        .map(([method]) => `${method} ${path}`),
    );
    expect(unknown).toEqual([]);
  });
});
