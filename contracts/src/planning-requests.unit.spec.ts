import { createAjv, firstProblem } from './ajv';
import type { BodyRule } from './json-schema';
import { requestDeploymentBody, requestDeploymentRules, rescheduleDeploymentBody, windowEndsAfterStart } from './planning-requests';
import { SAMPLE_REQUEST } from './samples.fixture';

const ajv = createAjv();
/** What SchemaBody answers: the schema's first problem, then the first rule the body breaks. */
const problemOf = <T>(schema: object, rules: readonly BodyRule<T>[], body: unknown) =>
  firstProblem(ajv.compile(schema), body) ?? rules.reduce<string | null>((problem, rule) => problem ?? rule(body as T), null);
const request = (change: Record<string, unknown> = {}) => ({ ...SAMPLE_REQUEST, changeType: 'normal', changeState: 'authorised', ...change });

describe('the body of a deployment request', () => {
  it('accepts a request with a window, or with the next available one instead', () => {
    expect(problemOf(requestDeploymentBody, requestDeploymentRules, request())).toBeNull();
    expect(problemOf(requestDeploymentBody, requestDeploymentRules, request({ window: undefined, nextAvailable: { durationMinutes: 45 } }))).toBeNull();
  });

  it('asks what a request made today must say: the change type and state', () => {
    expect(problemOf(requestDeploymentBody, requestDeploymentRules, request({ changeState: undefined }))).toBe('changeState is required');
    expect(problemOf(requestDeploymentBody, requestDeploymentRules, request({ changeType: 'urgent' }))).toBe('changeType must be one of "standard", "normal", "emergency"');
  });

  it('refuses what JSON Schema cannot say, by named rules', () => {
    expect(problemOf(requestDeploymentBody, requestDeploymentRules, request({ window: undefined }))).toBe('window (or nextAvailable) is required');
    expect(problemOf(requestDeploymentBody, requestDeploymentRules, request({ window: { start: '2026-12-01T23:00:00Z', end: '2026-12-01T22:00:00Z' } }))).toBe('window.end must be after window.start');
    expect(problemOf(requestDeploymentBody, requestDeploymentRules, request({ nextAvailable: { durationMinutes: 30 } }))).toBe('nextAvailable and window exclude each other');
    expect(problemOf(requestDeploymentBody, requestDeploymentRules, request({ model: 'standard-web', adHoc: true }))).toBe('model and adHoc exclude each other');
    expect(problemOf(requestDeploymentBody, requestDeploymentRules, request({ model: 'standard-web', adHoc: false }))).toBeNull();
  });

  it('checks each acceptance criterion against its own parameters, as the recorded event does', () => {
    const criterion = { type: 'smoke-tests', description: 'suite', url: 'https://x' };
    expect(problemOf(requestDeploymentBody, requestDeploymentRules, request({ acceptanceCriteria: [criterion] }))).toBe('acceptanceCriteria[0].url is not allowed');
  });
});

it('a reschedule needs a window that ends after it starts', () => {
  expect(problemOf(rescheduleDeploymentBody, [windowEndsAfterStart], { window: { start: '2026-12-02T00:00:00Z', end: '2026-12-01T00:00:00Z' } })).toBe('window.end must be after window.start');
  expect(problemOf(rescheduleDeploymentBody, [windowEndsAfterStart], { window: { start: '2026-12-01', end: '2026-12-02' } })).toBe('window.start must match format "date-time"');
});
