import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { DEFAULT_PORTS } from '@gantry/platform';

/**
 * What the README states about versions, ports and variables, checked against the repository's files: the statements
 * a newcomer follows on a clean clone (e2e/readme.e2e.spec.ts runs its commands; this checks its facts).
 */
const root = join(__dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const SERVICES = ['planning', 'verification', 'execution', 'records', 'model-review'] as const;

function* codeFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', 'dist', '.data', 'generated', 'lib', 'results'].includes(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* codeFiles(path);
    else if (/\.(ts|js|sh)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) yield path;
  }
}
const CODE_DIRS = ['apps', 'libs', 'services', 'contracts', 'scripts', 'infra', 'bench', 'e2e'];
const code = [...CODE_DIRS.flatMap((d) => [...codeFiles(join(root, d))]), join(root, 'docker-compose.yml'), join(root, 'Dockerfile')].map((file) => ({
  file: relative(root, file),
  text: readFileSync(file, 'utf8'),
}));
const isTest = (file: string) => /\.spec\.ts$|test-fixtures\.ts$/.test(file);

/** The configuration table: its rows' variable names (`GANTRY_AUTHORISATION_<KIND>` as a prefix) and default cells. */
const configuration = (() => {
  const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const [names, defaults] = line.split(' | ');
      return { names: [...names.matchAll(/`([A-Z][A-Z0-9_]*(?:<[A-Z]+>)?)`/g)].map((m) => m[1]), defaults };
    });
})();
const documented = configuration.flatMap((row) => row.names);
const isDocumented = (name: string) => documented.some((d) => (d.endsWith('>') ? name.startsWith(d.slice(0, d.indexOf('<'))) : d === name));

/** Variables read from the environment by non-test code: `process.env.X`, `env.X`, `env['X']`, `…Setting(env, 'X', …)`. */
const READS = [/\bprocess\.env\.([A-Z][A-Z0-9_]+)/g, /\benv\.([A-Z][A-Z0-9_]+)/g, /\benv\[['`]([A-Z][A-Z0-9_]+)/g, /Setting\(\s*env\s*,\s*'([A-Z][A-Z0-9_]+)'/g];
/** Set by the test harness for itself (global setup tells global teardown what it made): not configuration. */
const setByTheRepository = new Set([
  ...code.flatMap(({ text }) => [...text.matchAll(/\bprocess\.env\.([A-Z][A-Z0-9_]+) = /g)].map((m) => m[1])),
  ...code.flatMap(({ text }) => [...text.matchAll(/Object\.assign\(process\.env, \{([\s\S]*?)\}\)/g)].flatMap((m) => [...m[1].matchAll(/\b([A-Z][A-Z0-9_]+):/g)].map((k) => k[1]))),
]);
/** The operating system's, not Gantry's. */
const SYSTEM_VARIABLES = new Set(['PATH', 'HOME', 'TMPDIR']);

describe('the README', () => {
  it('asks for the Node version package.json requires', () => {
    const engines = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines.node as string;
    const stated = /runs on Node (\d+(?:\.\d+)*) or later/.exec(readme)?.[1];
    expect(`>=${stated}`).toBe(engines);
  });

  it('documents in its configuration table every variable the code reads', () => {
    const read = new Map<string, string>();
    for (const { file, text } of code.filter((c) => /\.(ts|js)$/.test(c.file) && !isTest(c.file))) {
      for (const pattern of READS) for (const m of text.matchAll(pattern)) if (!read.has(m[1])) read.set(m[1], file);
    }
    // docker-compose.yml's own: `${NAME}`, `${NAME:-default}`, `${NAME:?message}`
    for (const m of readFileSync(join(root, 'docker-compose.yml'), 'utf8').matchAll(/\$\{([A-Z][A-Z0-9_]+)[:}?-]/g)) if (!read.has(m[1])) read.set(m[1], 'docker-compose.yml');
    const missing = [...read].filter(([name]) => !isDocumented(name) && !setByTheRepository.has(name) && !SYSTEM_VARIABLES.has(name)).map(([name, file]) => `${name} (${file})`);
    expect(missing).toEqual([]);
  });

  it('documents no variable that nothing reads', () => {
    const everything = code.map((c) => c.text).join('\n');
    const unread = documented.filter((name) => !everything.includes(name.replace(/<[A-Z]+>$/, '')));
    expect(unread).toEqual([]);
  });

  it("gives each service of the distributed example its own ports, the configuration's defaults where it leaves them out", () => {
    const example = readme.slice(readme.indexOf('## Distributed mode'), readme.indexOf('With Docker'));
    const started = [...example.matchAll(/^PORT=(\d+)(?: GRPC_PORT=(\d+))? npm run start:service -- ([\w-]+)/gm)].map(([, port, grpcPort, service]) => ({
      service,
      port: Number(port),
      grpcPort: grpcPort ? Number(grpcPort) : undefined,
    }));
    expect(started.map((s) => s.service).sort()).toEqual([...SERVICES].sort());
    for (const { service, port } of started) expect([service, port]).toEqual([service, DEFAULT_PORTS[service as (typeof SERVICES)[number]]]);
    const grpc = started.filter((s) => ['planning', 'execution', 'records'].includes(s.service));
    expect(grpc.every((s) => s.grpcPort !== undefined)).toBe(true);
    const ports = started.flatMap((s) => [s.port, s.grpcPort].filter((p) => p !== undefined));
    expect(new Set(ports).size).toBe(ports.length);
    // and the table says the same defaults
    const portDefaults = configuration.find((row) => row.names[0] === 'PORT')!.defaults;
    expect(portDefaults).toContain(`${DEFAULT_PORTS.standalone} standalone`);
    for (const service of SERVICES) expect(portDefaults).toContain(`${DEFAULT_PORTS[service]} ${service}`);
    expect(configuration.find((row) => row.names[0] === 'GRPC_PORT')!.defaults).toBe(String(/grpcPort: wholeNumberSetting\(env, 'GRPC_PORT', (\d+)\)/.exec(code.find((c) => c.file === 'libs/platform/src/config.ts')!.text)![1]));
  });

  it("states the host ports docker-compose.yml publishes", () => {
    const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { ports?: string[] }> };
    const firstHostPort = (service: string, containerPort: RegExp) => {
      const mapping = compose.services[service].ports!.map((p) => p.replace(/\$\{[A-Z0-9_]+:-(\d+)\}/g, '$1')).find((p) => containerPort.test(p.split(':').at(-1)!))!;
      return Number(mapping.split(':').at(-2)!.split('-')[0]);
    };
    const statement = /The services publish on 127\.0\.0\.1[^]*?so none collides/.exec(readme)![0].replace(/\s+/g, ' ');
    for (const service of SERVICES) {
      expect(statement).toContain(`${service}${service === 'planning' ? ' on' : ''} ${firstHostPort(service, /^3\d{3}$/)}`);
      if (['planning', 'execution', 'records'].includes(service)) expect(statement).toContain(`${firstHostPort(service, /^3\d{3}$/)} (gRPC ${firstHostPort(service, /^5\d{4}$/)})`);
    }
    expect(statement).toContain(`PostgreSQL on ${firstHostPort('postgres', /^5432$/)}`);
    expect(statement).toContain(`Kafka on ${firstHostPort('kafka', /^\d+$/)}`);
  });
});
