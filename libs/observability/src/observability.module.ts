import {
  Controller,
  Get,
  Header,
  Inject,
  Logger,
  Module,
  Res,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import { Public } from '@gantry/auth';
import { DEFAULT_CHECK_TIMEOUT_MS, runHealthChecks, type HealthCheck, type HealthReport } from './health';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { metricsRegistry } from './metrics';

export interface ObservabilityOptions {
  /** the service name, a label on every metric */
  service: string;
  /** named readiness checks run by GET /health/ready (and GET /health, the same) */
  checks?: Record<string, HealthCheck>;
  /** per check; default 2 s */
  checkTimeoutMs?: number;
}

export const OBSERVABILITY_OPTIONS = Symbol('OBSERVABILITY_OPTIONS');

/** Public operations endpoints: Prometheus scrape and health probe. */
@Controller()
export class OperationsController {
  private readonly logger = new Logger('Health');

  constructor(@Inject(OBSERVABILITY_OPTIONS) private readonly options: ObservabilityOptions) {}

  @Get('metrics')
  @Public()
  @Header('Content-Type', metricsRegistry.contentType)
  @Header('Cache-Control', 'no-store')
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }

  /** Liveness: the process's event loop answers. No dependency is asked, so an outage of one never restarts a healthy process. */
  @Get('health/live')
  @Public()
  @Header('Cache-Control', 'no-store')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Readiness: every check passes (the database, the bus). 503 with the report naming what is down. `GET /health` is
   * the same, as the image's HEALTHCHECK and compose's `service_healthy` have always asked it.
   */
  @Get(['health/ready', 'health'])
  @Public()
  @Header('Cache-Control', 'no-store')
  async health(@Res({ passthrough: true }) response: { status(code: number): unknown }): Promise<HealthReport> {
    const report = await runHealthChecks(
      this.options.checks ?? {},
      this.options.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS,
      (name, error) => this.logger.warn(`health check ${name} failed: ${error instanceof Error ? error.message : String(error)}`),
    );
    response.status(report.status === 'ok' ? 200 : 503);
    return report;
  }
}

/** GET /metrics, GET /health/live, GET /health/ready (= GET /health), and request metrics for every route of the application. */
@Module({})
export class ObservabilityModule implements NestModule {
  static forRoot(options: ObservabilityOptions): DynamicModule {
    metricsRegistry.setDefaultLabels({ service: options.service });
    return {
      module: ObservabilityModule,
      controllers: [OperationsController],
      providers: [{ provide: OBSERVABILITY_OPTIONS, useValue: options }],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*');
  }
}
