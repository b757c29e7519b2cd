import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { httpRequestDuration, httpRequests } from './metrics';

/** What express adds to a request once a route matched it. */
interface RoutedRequest extends IncomingMessage {
  baseUrl?: string;
  route?: { path?: unknown };
}

/**
 * Counts and times every HTTP request, including those refused by a guard or not found. The route label is the
 * route template (`/deployments/:id`), never the raw path, so the number of series stays bounded.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  use(request: RoutedRequest, response: ServerResponse, next: () => void): void {
    const stop = httpRequestDuration.startTimer();
    response.once('finish', () => {
      const template = typeof request.route?.path === 'string' ? `${request.baseUrl ?? ''}${request.route.path}` : 'unmatched';
      const labels = { method: request.method ?? 'UNKNOWN', route: template, status: String(response.statusCode) };
      httpRequests.inc(labels);
      stop(labels);
    });
    next();
  }
}
