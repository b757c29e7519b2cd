import { randomUUID } from 'node:crypto';
import { eventType, type Service } from '@gantry/contracts';

/**
 * An event of `service` in the envelope it publishes it in (what messaging's toCloudEvent makes of a recorded event),
 * for tests and benchmarks that stand in for that service on the bus. Its subject, the record key, is the deployment
 * (or, for an environment's events, the environment's name) unless given.
 */
export function serviceEvent(service: Service, name: string, data: object, options: { subject?: string; streamVersion?: number } = {}) {
  const id = randomUUID();
  return {
    specversion: '1.0',
    id,
    source: `/gantry/${service}`,
    type: eventType(service, name),
    subject: options.subject ?? (data as { deploymentId?: string }).deploymentId ?? (data as { name?: string }).name,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data,
    correlationid: id,
    actor: `gantry-${service}`,
    actorroles: '',
    actorchannel: 'kafka',
    streamversion: options.streamVersion ?? 1,
  };
}
