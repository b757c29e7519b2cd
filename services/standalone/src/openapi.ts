import { doorsOf, type RunningProcess } from '@gantry/platform';

/** Where an operation is served in the distributed mode: a service, or `any` for what every process serves (health, metrics, docs). */
export type ServedBy = 'planning' | 'verification' | 'execution' | 'records' | 'model-review' | 'any';

export const SERVED_BY_EXTENSION = 'x-gantry-service';

interface OpenApiDocument {
  info: Record<string, unknown>;
  servers?: unknown[];
  paths: Record<string, Record<string, Record<string, unknown>>>;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'];

/**
 * The REST surface as OpenAPI (what a process serves at /docs/openapi.json), from the embedded default, which serves
 * every route: each operation says in `x-gantry-service` which service serves it in the distributed mode, read from
 * the route table (the service module whose controller declares the route). contracts/openapi.json is this.
 */
export async function openApiDocument(running: RunningProcess): Promise<OpenApiDocument> {
  const response = await fetch(`${running.url}/docs/openapi.json`);
  if (!response.ok) throw new Error(`GET /docs/openapi.json answered ${response.status}`);
  const document = (await response.json()) as OpenApiDocument;
  const servedBy = new Map(doorsOf(running.app).filter((d) => d.transport === 'http').map((d) => [`${d.method} ${d.path}`, d.service ?? 'any']));
  for (const [path, operations] of Object.entries(document.paths)) {
    const routePath = path.replace(/\{(\w+)\}/g, ':$1');
    for (const [method, operation] of Object.entries(operations)) {
      if (!HTTP_METHODS.includes(method)) continue;
      const service = servedBy.get(`${method.toUpperCase()} ${routePath}`);
      if (!service) throw new Error(`${method.toUpperCase()} ${path} is in the OpenAPI document but not in the route table`);
      operation[SERVED_BY_EXTENSION] = service;
    }
  }
  return { ...document, info: { ...document.info, title: 'Gantry' }, servers: [] };
}
