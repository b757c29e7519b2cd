import { resolve } from 'node:path';

export const SERVICE_NAMES = ['planning', 'verification', 'execution', 'records', 'model-review'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];
export type ProcessName = ServiceName | 'standalone';

/** Default HTTP ports; one process per service in the distributed mode, one port for all in the embedded default. */
export const DEFAULT_PORTS: Record<ProcessName, number> = {
  standalone: 3000,
  planning: 3001,
  verification: 3002,
  execution: 3003,
  records: 3004,
  'model-review': 3005,
};

/** Default gRPC ports of the processes that serve gRPC: planning (DeploymentService), execution (ExecutionService), standalone (both). */
const DEFAULT_GRPC_PORTS: Partial<Record<ProcessName, number>> = { execution: 50053 };

export interface GantryConfig {
  process: ProcessName;
  host: string;
  port: number;
  grpcPort: number;
  /** PostgreSQL connection string; absent → embedded PGlite in `dataDir` */
  databaseUrl?: string;
  /** absent → the in-process bus */
  kafkaBrokers?: string[];
  dataDir: string;
  /** JSON bodies above this are refused with 413 */
  bodyLimitBytes: number;
  kafkaSessionTimeoutMs: number;
  /**
   * Put before every consumer group (and inbox) name: two Gantry installations sharing one Kafka cluster, or tests
   * running side by side on one broker, keep their consumer groups apart. Default none.
   */
  consumerGroupPrefix: string;
}

export class ConfigurationError extends Error {}

const integer = (env: NodeJS.ProcessEnv, name: string, fallback: number): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new ConfigurationError(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
};

const consumerGroupPrefix = (raw: string | undefined): string => {
  if (raw === undefined || raw === '') return '';
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(raw)) throw new ConfigurationError(`GANTRY_CONSUMER_GROUP_PREFIX may hold letters, digits, ".", "_" and "-" (at most 100), got "${raw}"`);
  return raw;
};

/** The one configuration loader. Every variable is documented in the README's configuration table. */
export function loadConfig(processName: ProcessName, env: NodeJS.ProcessEnv = process.env): GantryConfig {
  const brokers = (env.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  return {
    process: processName,
    host: env.HOST ?? '127.0.0.1',
    port: integer(env, 'PORT', DEFAULT_PORTS[processName]),
    grpcPort: integer(env, 'GRPC_PORT', DEFAULT_GRPC_PORTS[processName] ?? 50051),
    databaseUrl: env.DATABASE_URL || undefined,
    kafkaBrokers: brokers.length > 0 ? brokers : undefined,
    dataDir: resolve(env.GANTRY_DATA_DIR ?? '.data'),
    bodyLimitBytes: integer(env, 'GANTRY_BODY_LIMIT_BYTES', 1024 * 1024),
    kafkaSessionTimeoutMs: integer(env, 'KAFKA_SESSION_TIMEOUT_MS', 6000),
    consumerGroupPrefix: consumerGroupPrefix(env.GANTRY_CONSUMER_GROUP_PREFIX),
  };
}

/** Postgres schema of a service: one per service, `model-review` → `model_review`. */
export const schemaOf = (service: ServiceName): string => service.replace(/-/g, '_');
