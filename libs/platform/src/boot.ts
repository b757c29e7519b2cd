import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AuthModule, authConfigFromEnv } from '@gantry/auth';
import { GANTRY_PROTO_PATHS, PROTO_ROOT } from '@gantry/contracts';
import { JsonLogger, ObservabilityModule, runHealthChecks, shutdownTracing, startTracing } from '@gantry/observability';
import { apiKeyDirectory } from './api-keys';
import type { Clock } from './clock';
import { loadConfig, schemaOf, type GantryConfig, type ProcessName } from './config';
import { crossOriginAccess } from './cross-origin';
import { developmentSecret } from './development-secret';
import { ErrorMapping } from './errors';
import { GrpcTransport } from './grpc';
import { GrpcStandardServices } from './grpc-standard-services';
import { keepingRawBody, RateLimit, securityHeaders } from './http-hardening';
import { createRuntime, type ServiceRuntime } from './runtime';
import { clockOnRequests } from './request-context';
import { RuntimeModule } from './runtime.module';

export interface BootOptions {
  /** the service modules this process hosts, given the shared runtime */
  modules: (runtime: ServiceRuntime) => DynamicModule[];
  /** serve gRPC on GRPC_PORT: the services of Gantry's contracts whose handlers the modules hold (DeploymentService, AuditService) */
  grpc?: boolean;
  env?: NodeJS.ProcessEnv;
  /** default: the system's time and random ids; tests that move time give their own */
  clock?: Clock;
  /**
   * Serves more over HTTP than the modules' doors, before they are routed (the embedded default's console).
   * `developmentSecret` only when this process accepts tokens signed with the embedded default's development secret.
   */
  http?: (app: NestExpressApplication, context: { config: GantryConfig; developmentSecret?: string }) => void;
}

export interface RunningProcess {
  app: INestApplication;
  runtime: ServiceRuntime;
  config: GantryConfig;
  url: string;
  /** the HTTP port, and the gRPC port when gRPC is served (PORT=0, GRPC_PORT=0: the ones the system picked) */
  port: number;
  grpcPort?: number;
  stop(): Promise<void>;
}

/** Boots one Gantry process: one service in the distributed mode, all five in the embedded default. */
export async function boot(processName: ProcessName, options: BootOptions): Promise<RunningProcess> {
  const env = options.env ?? process.env;
  const config = loadConfig(processName, env);
  startTracing(`gantry-${processName}`);
  const logger = new JsonLogger(`gantry-${processName}`);
  const runtime = await createRuntime(config, options.clock);
  // readiness, one set of checks for HTTP (/health/ready) and gRPC (grpc.health.v1)
  const readinessChecks = { database: async () => void (await runtime.db.query('select 1')), bus: () => runtime.bus.health() };
  const authEnv = env.GANTRY_JWT_SECRET || runtime.mode.database !== 'embedded' ? env : { ...env, GANTRY_JWT_SECRET: developmentSecret(config.dataDir) };

  @Module({
    imports: [
      RuntimeModule.forRoot(runtime),
      // API keys issued at run time: from the read model of the (first) service this process hosts
      AuthModule.forRoot({ ...authConfigFromEnv(authEnv), failedAuthentications: config.failedAuthentications, ...(config.trustProxy ? { trustProxy: config.trustProxy } : {}), keyDirectory: apiKeyDirectory(runtime.db, processName === 'standalone' ? 'records' : schemaOf(processName)) }),
      ObservabilityModule.forRoot({ service: `gantry-${processName}`, checks: readinessChecks }),
      ...options.modules(runtime),
    ],
  })
  class GantryProcess {}

  const app = await NestFactory.create<NestExpressApplication>(GantryProcess, { bodyParser: false, logger });
  app.disable('x-powered-by');
  // request.ip, the source the limits count: the peer, or behind trusted proxies the client they name
  if (config.trustProxy) app.set('trust proxy', config.trustProxy);
  app.use(securityHeaders);
  // before everything else, so that a refusal (401, 413, 429) reaches the page of an allowed origin readable
  if (config.corsOrigins.length > 0) app.use(crossOriginAccess(config.corsOrigins));
  app.use(clockOnRequests(runtime.clock));
  app.useBodyParser('json', { limit: config.bodyLimitBytes, verify: keepingRawBody(config.bodyMaxDepth) });
  app.useGlobalInterceptors(new RateLimit(config.rateLimitPerMinute, config.rateLimitBurst));
  app.useGlobalFilters(new ErrorMapping());
  options.http?.(app, authEnv === env ? { config } : { config, developmentSecret: authEnv.GANTRY_JWT_SECRET });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle(`Gantry ${processName}`).setDescription('ITIL 4 deployment management').setVersion('1').addBearerAuth().build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  const grpc = options.grpc
    ? new GrpcTransport(
        { package: 'gantry.v1', protoPath: [...GANTRY_PROTO_PATHS], loader: { includeDirs: [PROTO_ROOT] }, url: `${config.host}:${config.grpcPort}` },
        new GrpcStandardServices(async () => (await runHealthChecks(readinessChecks)).status === 'ok'),
        config.grpcCalls,
        config.trustProxy,
      )
    : undefined;
  if (grpc) {
    app.connectMicroservice<MicroserviceOptions>({ strategy: grpc });
    await app.startAllMicroservices();
  }
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host}:${port}`;
  if (authEnv !== env) logger.log(`no GANTRY_JWT_SECRET configured: using the development secret in ${config.dataDir}; mint a token with: npm run token -- deployment-manager`, 'boot');

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await app.close();
      await runtime.close();
      await shutdownTracing();
    })());
  return { app, runtime, config, url, port, grpcPort: grpc?.port, stop };
}

/**
 * For a process's main: boot, and stop cleanly on SIGTERM or SIGINT, saying so in the log. A signal that comes while
 * the process is still booting stops it as soon as it is up. Under `npm start`, npm passes a SIGTERM only to the shell
 * that runs the script, which dies without passing it on: the process also stops when that parent goes away.
 */
export async function runMain(processName: ProcessName, options: BootOptions): Promise<void> {
  const logger = new JsonLogger(`gantry-${processName}`);
  let stopRequested: ((reason: string) => void) | undefined;
  const stopReason = new Promise<string>((resolve) => (stopRequested = resolve));
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stopRequested!(signal));
  const parent = process.ppid;
  if (process.env.npm_lifecycle_event && parent > 1) {
    setInterval(() => process.ppid !== parent && stopRequested!('the npm process that started it has gone'), 500).unref();
  }
  let running: RunningProcess;
  try {
    running = await boot(processName, options);
  } catch (error) {
    process.stderr.write(`${JSON.stringify({ level: 'fatal', process: processName, msg: (error as Error).message })}\n`);
    process.exit(1);
  }
  const { url, port, grpcPort, config, runtime } = running;
  // logged whatever LOG_LEVEL says: whoever started the process with PORT=0 or GRPC_PORT=0 learns its ports here
  new JsonLogger(`gantry-${processName}`, { level: 'info' }).log(
    {
      msg: `listening on ${url}${grpcPort ? `, gRPC on ${config.host}:${grpcPort}` : ''} (database: ${runtime.mode.database}, bus: ${runtime.mode.bus}); API docs at ${url}/docs`,
      port,
      grpcPort,
    },
    'boot',
  );
  const reason = await stopReason;
  logger.log(`stopping (${reason})`, 'shutdown');
  // a shutdown that hangs (a consumer that never leaves its group, a stuck connection) must not keep the process
  setTimeout(() => {
    logger.fatal(`shutdown took longer than ${running.config.shutdownTimeoutMs} ms; exiting`, 'shutdown');
    process.exit(1);
  }, running.config.shutdownTimeoutMs).unref();
  const started = Date.now();
  await running.stop().then(
    () => (logger.log(`stopped in ${Date.now() - started} ms`, 'shutdown'), process.exit(0)),
    (error) => (logger.error(`stopping failed: ${(error as Error).message}`, 'shutdown'), process.exit(1)),
  );
}
