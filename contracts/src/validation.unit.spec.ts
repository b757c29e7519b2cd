import { cloudEventEnvelopeSchema, type CloudEventEnvelope } from './cloud-event';
import { EVENT_NAMES, EVENT_TYPES, EVENTS, eventNameOf } from './events';
import { eventType } from './event-type';
import { SAMPLE_PAYLOADS, SAMPLE_REQUEST } from './samples.fixture';
import { createAjv, PAYLOAD_SCHEMAS, validatePayload } from './validation';

const clone = <T>(value: T): T => structuredClone(value);

describe('event catalogue', () => {
  it('names each CloudEvents type gantry.<service>.<Name>.v<version>', () => {
    expect(eventType('planning', 'DeploymentRequested')).toBe('gantry.planning.DeploymentRequested.v1');
    expect(eventType('model-review', 'ModelActivated', 2)).toBe('gantry.model-review.ModelActivated.v2');
    expect(EVENT_TYPES.DeploymentRecordClosed).toBe('gantry.records.DeploymentRecordClosed.v1');
    expect(eventNameOf('gantry.execution.WaveStarted.v1')).toBe('WaveStarted');
    expect(eventNameOf('gantry.execution.WaveStarted.v9')).toBeUndefined();
  });

  /** Events of other aggregates than a deployment (deployment models, their reviews, environments) are keyed by their own ids. */
  const NOT_ABOUT_ONE_DEPLOYMENT = new Set<string>([
    'DeploymentModelDrafted',
    'ServiceRegistered',
    'ServiceUpdated',
    'SupplierRegistered',
    'SupplierUpdated',
    // about a deployment or about a period
    'SatisfactionResponseRecorded',
    'DeploymentModelPublished',
    'DeploymentModelRevised',
    'DeploymentModelRetired',
    'ModelReviewOpened',
    'ReviewFindingsComputed',
    'ReviewFindingRecorded',
    'ImprovementInitiativeRegistered',
    'ImprovementInitiativeStatusChanged',
    'ModelChangeRequested',
    'ModelReviewClosed',
    'DeploymentModelUpdateCommunicated',
    'DeploymentModelPilotCompleted',
    'ComponentVersionRegistered',
    'ComponentVersionWithdrawn',
    'SigningKeyRegistered',
    'SigningKeyRevoked',
    'AuthorisationKeyRegistered',
    'AuthorisationKeyRevoked',
    'EnvironmentRegistered',
    'EnvironmentUpdated',
    'EnvironmentDecommissioned',
    'ApiKeyIssued',
    'ApiKeyRevoked',
    'LedgerCheckpointSigned',
    'WebhookSubscriptionCreated',
    'WebhookSubscriptionDeleted',
    'WebhookSubscriptionDisabled',
  ]);

  it('requires deploymentId in every event payload about a deployment', () => {
    for (const name of EVENT_NAMES.filter((n) => !NOT_ABOUT_ONE_DEPLOYMENT.has(n))) {
      expect((EVENTS[name].schema as { required: string[] }).required).toContain('deploymentId');
    }
  });

  it('compiles every schema with ajv in strict mode', () => {
    const ajv = createAjv();
    for (const [type, schema] of Object.entries(PAYLOAD_SCHEMAS)) {
      expect(() => ajv.compile(schema)).not.toThrow();
      expect(type).toBeTruthy();
    }
  });
});

describe('validatePayload', () => {
  it.each(EVENT_NAMES)('accepts a valid %s by CloudEvents type and by name', (name) => {
    expect(validatePayload(EVENTS[name].type, SAMPLE_PAYLOADS[name])).toBeNull();
    expect(validatePayload(name, SAMPLE_PAYLOADS[name])).toBeNull();
  });

  it('accepts a valid RequestDeployment body', () => {
    expect(validatePayload('RequestDeployment', SAMPLE_REQUEST)).toBeNull();
  });

  it('names the missing field', () => {
    const { changeId: _, ...body } = SAMPLE_REQUEST;
    expect(validatePayload('RequestDeployment', body)).toBe('changeId is required');
  });

  it('names an unknown field, nested', () => {
    const body = clone(SAMPLE_REQUEST);
    Object.assign(body.components[0], { colour: 'blue' });
    expect(validatePayload('RequestDeployment', body)).toBe('components[0].colour is not allowed');
  });

  it('refuses a malformed digest', () => {
    const body = clone(SAMPLE_REQUEST);
    body.components[0].digest = 'md5:abc';
    expect(validatePayload('RequestDeployment', body)).toMatch(/^components\[0\]\.digest must match pattern/);
  });

  it('accepts workstation images and driver packages as kinds of component, and refuses a kind it does not know', () => {
    const components = [
      { name: 'win11-finance', version: '2026.12', kind: 'workstation-image', digest: `sha256:${'cd'.repeat(32)}` },
      { name: 'dock-wd22', version: '1.0.7', kind: 'driver-package' },
    ];
    expect(validatePayload('RequestDeployment', { ...SAMPLE_REQUEST, components })).toBeNull();
    expect(validatePayload('RequestDeployment', { ...SAMPLE_REQUEST, components: [{ name: 'bios', version: '1', kind: 'firmware' }] })).toMatch(/^components\[0\]\.kind must be one of .*"workstation-image", "driver-package"$/);
  });

  it('refuses an unknown enum value, listing the allowed ones', () => {
    expect(validatePayload('RequestDeployment', { ...SAMPLE_REQUEST, kind: 'delete' })).toBe(
      'kind must be one of "install", "upgrade", "removal"',
    );
  });

  it('checks each acceptance criterion type has its own parameters, and only those', () => {
    const missingUrl = { ...SAMPLE_REQUEST, acceptanceCriteria: [{ type: 'http-health', description: 'up' }] };
    expect(validatePayload('RequestDeployment', missingUrl)).toBe('acceptanceCriteria[0].url is required');
    const foreign = {
      ...SAMPLE_REQUEST,
      acceptanceCriteria: [{ type: 'smoke-tests', description: 'suite', metric: 'latency' }],
    };
    expect(validatePayload('RequestDeployment', foreign)).toBe('acceptanceCriteria[0].metric is not allowed');
  });

  it('refuses oversized strings and arrays', () => {
    expect(validatePayload('RequestDeployment', { ...SAMPLE_REQUEST, service: 'x'.repeat(201) })).toBe(
      'service must NOT have more than 200 characters',
    );
    const many = Array.from({ length: 201 }, (_, i) => ({ name: `c${i}`, version: '1', kind: 'data' }));
    expect(validatePayload('RequestDeployment', { ...SAMPLE_REQUEST, components: many })).toBe(
      'components must NOT have more than 200 items',
    );
  });

  it('refuses a timestamp that is not one', () => {
    const body = { ...SAMPLE_REQUEST, window: { start: 'tomorrow', end: '2026-12-01T23:00:00Z' } };
    expect(validatePayload('RequestDeployment', body)).toBe('window.start must match format "date-time"');
  });

  it('accepts a null model (ad hoc) and refuses a half one', () => {
    const planned = SAMPLE_PAYLOADS.DeploymentPlanned;
    expect(validatePayload('DeploymentPlanned', { ...planned, model: null })).toBeNull();
    expect(validatePayload('DeploymentPlanned', { ...planned, model: { name: 'standard-web' } })).toBe('model.version is required');
  });

  it('refuses a payload that is not an object, and an unknown type', () => {
    expect(validatePayload('DeploymentStarted', 'started')).toBe('payload must be object');
    expect(validatePayload('gantry.planning.Nonsense.v1', {})).toBe('unknown payload type "gantry.planning.Nonsense.v1"');
    expect(validatePayload('toString', {})).toBe('unknown payload type "toString"');
  });
});

describe('cloudEventEnvelopeSchema', () => {
  const validate = createAjv().compile(cloudEventEnvelopeSchema);
  const published: CloudEventEnvelope = {
    specversion: '1.0',
    id: '0c6f9a4e-3f57-4c1e-b1a5-9d8c2c1c7e11',
    source: '/gantry/planning',
    type: EVENT_TYPES.DeploymentRequested,
    subject: SAMPLE_PAYLOADS.DeploymentRequested.deploymentId,
    time: '2026-11-30T09:12:00.000Z',
    datacontenttype: 'application/json',
    data: SAMPLE_PAYLOADS.DeploymentRequested,
    correlationid: 'c0ffee00-0000-4000-8000-000000000001',
    actor: 'change-enablement@itsm',
    actorroles: 'change-manager,deployment-manager',
    actorchannel: 'rest',
    streamversion: 1,
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  };

  it('accepts an event as the publisher writes it', () => {
    expect(validate(published)).toBe(true);
  });

  it('refuses extension names CloudEvents does not allow, and a missing actor', () => {
    expect(validate({ ...published, 'actor-subject': 'x' })).toBe(false);
    const { actor: _, ...anonymous } = published;
    expect(validate(anonymous)).toBe(false);
  });
});

describe('a deployment model name is one field everywhere', () => {
  /** names model review refuses: a space, a leading dot, a slash, 101 characters */
  const refused = ['standard web', '.standard-web', 'standard/web', 'x'.repeat(101)];

  it('every event that names a model (its own name or a ModelRef) refuses what model review refuses, and takes the longest it accepts', () => {
    const naming = EVENT_NAMES.filter((name) => {
      const data = SAMPLE_PAYLOADS[name] as Record<string, unknown>;
      return typeof data.name === 'string' && name.startsWith('DeploymentModel') ? true : data.model !== undefined && data.model !== null && typeof data.model === 'object';
    });
    expect(naming).toEqual(expect.arrayContaining(['DeploymentModelPublished', 'DeploymentPlanned', 'DeploymentRecordClosed']));
    for (const name of naming) {
      const named = (value: string) => {
        const data = clone(SAMPLE_PAYLOADS[name]) as Record<string, unknown>;
        if (name.startsWith('DeploymentModel')) data.name = value;
        else data.model = { ...(data.model as object), name: value };
        return data;
      };
      expect([name, validatePayload(name, named('a'.repeat(100)))]).toEqual([name, null]);
      for (const value of refused) expect([name, value, validatePayload(name, named(value))]).toEqual([name, value, expect.stringMatching(/name must/)]);
    }
  });

  it('a request naming a model refuses what model review refuses', () => {
    for (const value of refused) expect(validatePayload('RequestDeployment', { ...clone(SAMPLE_REQUEST), model: value })).toMatch(/^model must/);
    expect(validatePayload('RequestDeployment', { ...clone(SAMPLE_REQUEST), model: 'in-house-web.v2' })).toBeNull();
  });
});
