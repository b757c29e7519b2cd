import { deploymentModelDecider, STARTER_CATALOGUE, type DeploymentModel } from '../models';
import { usageOf } from './adoption';

const content = STARTER_CATALOGUE[0];
const current = (active: number | null): DeploymentModel => ({
  status: 'current',
  name: content.name,
  active: active === null ? null : { version: active, content, publishedAt: '2026-01-01T00:00:00.000Z' },
  draft: null,
  latestVersion: active ?? 1,
  pilot: null,
});

it('a deployment planned without a model is ad hoc', () => expect(usageOf(null, deploymentModelDecider.initialState)).toBe('ad-hoc'));
it('with the active version it follows the agreed approach', () => expect(usageOf({ name: content.name, version: 2 }, current(2))).toBe('active'));
it('with an older version it used a superseded one', () => expect(usageOf({ name: content.name, version: 1 }, current(2))).toBe('superseded'));
it('with a version never published, or a model never known, it is unknown', () => {
  expect(usageOf({ name: content.name, version: 3 }, current(2))).toBe('unknown');
  expect(usageOf({ name: content.name, version: 1 }, current(null))).toBe('unknown');
  expect(usageOf({ name: 'nobody', version: 1 }, deploymentModelDecider.initialState)).toBe('unknown');
});
it('with a retired model it is retired', () => expect(usageOf({ name: content.name, version: 1 }, { status: 'retired', name: content.name, lastActiveVersion: 1, latestVersion: 1 })).toBe('retired'));
