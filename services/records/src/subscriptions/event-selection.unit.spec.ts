import { EVENTS } from '@gantry/contracts';
import { selectionOf, selects, type EntryFacts } from './event-selection';

const closed: EntryFacts = { name: 'DeploymentRecordClosed', deploymentId: 'd-1', service: 'payments', environment: 'production', changeId: 'CHG1' };
const started: EntryFacts = { ...closed, name: 'DeploymentStarted' };
const keyIssued: EntryFacts = { name: 'ApiKeyIssued', deploymentId: null };

describe('selectionOf', () => {
  it('keeps groups and names, takes a CloudEvent type for its name, and lists what it does not know', () =>
    expect(selectionOf(['deployment-outcome', 'DeploymentStarted', EVENTS.RolledBack.type, 'NoSuchEvent', 'gantry.x.Y.v1'])).toEqual({
      events: ['deployment-outcome', 'DeploymentStarted', 'RolledBack'],
      unknown: ['NoSuchEvent', 'gantry.x.Y.v1'],
    }));
  it('keeps one of each', () => expect(selectionOf(['RolledBack', EVENTS.RolledBack.type]).events).toEqual(['RolledBack']));
});

describe('selects', () => {
  it('the outcome group takes the record\'s close, not the steps before it', () => {
    expect(selects(['deployment-outcome'], undefined, closed)).toBe(true);
    expect(selects(['deployment-outcome'], undefined, started)).toBe(false);
  });
  it('the lifecycle group takes every event that names a deployment, and nothing else', () => {
    expect(selects(['deployment-lifecycle'], undefined, started)).toBe(true);
    expect(selects(['deployment-lifecycle'], undefined, keyIssued)).toBe(false);
  });
  it('an event named takes that event', () => expect(selects(['ApiKeyIssued'], undefined, keyIssued)).toBe(true));
  it('a filter takes only the deployments whose facts match each of its fields', () => {
    expect(selects(['deployment-lifecycle'], { service: 'payments', environment: 'production' }, started)).toBe(true);
    expect(selects(['deployment-lifecycle'], { service: 'payments', environment: 'staging' }, started)).toBe(false);
    expect(selects(['deployment-lifecycle'], { changeId: 'CHG2' }, started)).toBe(false);
    expect(selects(['deployment-lifecycle'], { deploymentId: 'd-1' }, started)).toBe(true);
    expect(selects(['deployment-lifecycle'], { service: 'payments' }, { ...started, service: undefined })).toBe(false);
  });
});
