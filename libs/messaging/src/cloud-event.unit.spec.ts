import type { RecordedEvent } from '@gantry/event-store';
import { aggregateIdOf, eventName, parseCloudEvent, toCloudEvent } from './cloud-event';
import { deadLetterTopic } from './topics';

const recorded: RecordedEvent = {
  position: '42',
  transactionId: '1001',
  streamId: 'Deployment-7c1e0a52-5d0b-4b8e-9a77-2a3c1f0e9b11',
  streamType: 'Deployment',
  streamVersion: 3,
  id: '0f8fad5b-d9cb-469f-a165-70867728950e',
  type: 'DeploymentPlanned',
  schemaVersion: 2,
  data: { environment: 'production' },
  metadata: {
    actor: { subject: 'alice', roles: ['deployment-manager', 'approver'], channel: 'grpc' },
    correlationId: 'corr-1',
    causationId: 'cause-1',
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  },
  recordedAt: new Date('2026-03-01T10:00:00.123Z'),
  previousHash: 'a',
  hash: 'b',
};

describe('CloudEvents envelope', () => {
  it('maps a recorded event to the documented type, source, subject and extensions', () => {
    expect(toCloudEvent('planning', recorded)).toEqual({
      specversion: '1.0',
      id: recorded.id,
      source: '/gantry/planning',
      type: 'gantry.planning.DeploymentPlanned.v2',
      subject: '7c1e0a52-5d0b-4b8e-9a77-2a3c1f0e9b11',
      time: '2026-03-01T10:00:00.123Z',
      datacontenttype: 'application/json',
      data: { environment: 'production' },
      correlationid: 'corr-1',
      causationid: 'cause-1',
      actor: 'alice',
      actorroles: 'deployment-manager,approver',
      actorchannel: 'grpc',
      streamversion: 3,
      eventhash: 'b',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
  });

  it('lets the caller name the subject', () => {
    expect(toCloudEvent('planning', recorded, { subject: 'dep-1' }).subject).toBe('dep-1');
  });

  it('reads back what it wrote', () => {
    const event = toCloudEvent('planning', recorded);
    expect(parseCloudEvent(Buffer.from(JSON.stringify(event)))).toEqual({ ok: true, event });
  });

  it.each([
    [null, 'empty message: no value'],
    ['', 'empty message: no value'],
    ['{"specversion": ', expect.stringMatching(/^not JSON: /)],
    ['[1, 2]', 'not a JSON object'],
    ['{"id": "1", "source": "/s", "type": "t"}', 'specversion must be "1.0", got undefined'],
    ['{"specversion": "1.0", "source": "/s", "type": "t"}', 'missing attribute: id'],
    ['{"specversion": "1.0", "id": "1", "type": "t"}', 'missing attribute: source'],
    ['{"specversion": "1.0", "id": "1", "source": "/s"}', 'missing attribute: type'],
    ['{"specversion": "1.0", "id": "1", "source": "/s", "type": ""}', 'missing attribute: type'],
    ['{"specversion": "1.0", "id": "1", "source": "/s", "type": "t", "subject": 7}', 'attribute subject must be a string'],
    ['{"specversion": "1.0", "id": "1", "source": "/s", "type": "t", "time": "yesterday"}', 'attribute time must be an RFC 3339 timestamp'],
    ['{"specversion": "1.0", "id": "1", "source": "/s", "type": "t", "datacontenttype": "text/xml"}', 'unsupported datacontenttype: "text/xml"'],
    ['{"specversion": "1.0", "id": "1", "source": "/s", "type": "t", "streamversion": 1.5}', 'attribute streamversion must be an integer'],
  ])('refuses %j: %s', (value, reason) => {
    expect(parseCloudEvent(value)).toEqual({ ok: false, reason });
  });

  it('accepts an event of another system that has only the required attributes', () => {
    expect(parseCloudEvent('{"specversion": "1.0", "id": "1", "source": "/itsm", "type": "itsm.ChangeAuthorised"}')).toMatchObject({ ok: true });
  });

  it('names events and topics', () => {
    expect(eventName('gantry.planning.DeploymentPlanned.v1')).toBe('DeploymentPlanned');
    expect(eventName('gantry.model-review.ModelReviewed.v12')).toBe('ModelReviewed');
    expect(eventName('itsm.ChangeAuthorised')).toBe('ChangeAuthorised');
    expect(aggregateIdOf('Deployment-7c1e0a52-5d0b')).toBe('7c1e0a52-5d0b');
    expect(aggregateIdOf('singleton')).toBe('singleton');
    expect(deadLetterTopic('gantry.planning.v1')).toBe('gantry.planning.v1.dlq');
  });
});
