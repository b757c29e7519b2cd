import { loadSync } from '@grpc/proto-loader';
import { AUDIT_PROTO_PATH, DEPLOYMENTS_PROTO_PATH, EXECUTION_PROTO_PATH, GANTRY_PROTO_PATHS, PROTO_ROOT } from './proto';

describe('deployments.proto', () => {
  const definition = loadSync(DEPLOYMENTS_PROTO_PATH, { includeDirs: [PROTO_ROOT], keepCase: true, defaults: true });

  it('defines gantry.v1.DeploymentService: request, get, list, cancel, reschedule, watch', () => {
    const service = definition['gantry.v1.DeploymentService'] as Record<string, { requestType: { type: { name: string } }; responseType: { type: { name: string } }; responseStream: boolean }>;
    expect(Object.keys(service).sort()).toEqual(['CancelDeployment', 'GetDeployment', 'ListDeployments', 'RequestDeployment', 'RescheduleDeployment', 'WatchDeployment']);
    expect(service.WatchDeployment.responseStream).toBe(true);
    expect(service.WatchDeployment.responseType.type.name).toBe('DeploymentUpdate');
    expect(service.RequestDeployment.requestType.type.name).toBe('RequestDeploymentRequest');
    expect(service.RequestDeployment.responseType.type.name).toBe('Deployment');
    expect(service.GetDeployment.requestType.type.name).toBe('GetDeploymentRequest');
    expect(service.GetDeployment.responseType.type.name).toBe('Deployment');
  });

  it('mirrors the REST request body field by field', () => {
    const request = definition['gantry.v1.RequestDeploymentRequest'] as { type: { field: { name: string }[] } };
    expect(request.type.field.map((f) => f.name)).toEqual([
      'change_id',
      'release_id',
      'service',
      'kind',
      'components',
      'environment',
      'window',
      'acceptance_criteria',
      'model',
      'targets',
      'change_type',
      'change_state',
      'ad_hoc',
      'freeze_override_reason',
      'next_available_minutes',
      'promotion_override_reason',
      'commit_time',
      'authorisation',
      'monitoring_seconds',
      'promote',
    ]);
  });
});

describe('audit.proto', () => {
  it('defines gantry.v1.AuditService: history, state as of a time, environment as of a time, verify, export stream, log key, checkpoints, proofs, bundles', () => {
    const definition = loadSync(AUDIT_PROTO_PATH, { includeDirs: [PROTO_ROOT], keepCase: true, defaults: true });
    const service = definition['gantry.v1.AuditService'] as Record<string, { responseStream: boolean }>;
    expect(Object.keys(service).sort()).toEqual([
      'ExportEvents',
      'GetCheckpoint',
      'GetConsistencyProof',
      'GetDeploymentBundle',
      'GetDeploymentHistory',
      'GetDeploymentStateAsOf',
      'GetEnvironmentStateAsOf',
      'GetInclusionProof',
      'GetLogKey',
      'VerifyLedger',
    ]);
    expect(service.ExportEvents.responseStream).toBe(true);
    expect(service.VerifyLedger.responseStream).toBe(false);
  });

  it('loads together with deployments.proto, as a process serving both does', () => {
    const definition = loadSync([...GANTRY_PROTO_PATHS], { includeDirs: [PROTO_ROOT] });
    expect(definition['gantry.v1.DeploymentService']).toBeDefined();
    expect(definition['gantry.v1.AuditService']).toBeDefined();
    expect(definition['gantry.v1.ExecutionService']).toBeDefined();
  });
});

describe('execution.proto', () => {
  const definition = loadSync(EXECUTION_PROTO_PATH, { includeDirs: [PROTO_ROOT], keepCase: true, defaults: true });

  it('defines gantry.v1.ExecutionService: get a run, approve and deny gates, pause, resume, abort, decide a rollback', () => {
    const service = definition['gantry.v1.ExecutionService'] as Record<string, { responseType: { type: { name: string } } }>;
    expect(Object.keys(service).sort()).toEqual(['AbortRun', 'ApproveGate', 'DecideRollback', 'DenyGate', 'GetRun', 'PauseRun', 'ResumeRun']);
    expect(Object.values(service).every((m) => m.responseType.type.name === 'Run')).toBe(true);
  });
});
