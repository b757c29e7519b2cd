import { refusalStatus } from './deployments';

describe('the HTTP status of a deployment refusal', () => {
  it('a request that can never pass as stated (a window ending before it starts, a commit after the request) is 422; what the state forbids is 409', () => {
    expect(refusalStatus('WindowEndsBeforeItStarts')).toBe(422);
    expect(refusalStatus('CommitTimeAfterRequest')).toBe(422);
    expect(refusalStatus('DeploymentAlreadyStarted')).toBe(409);
    expect(refusalStatus('FreezePeriod')).toBe(409);
  });
});
