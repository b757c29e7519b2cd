import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { changeDeploymentId, validateItsmEvent } from '@gantry/contracts';

/**
 * docs/integration.md tells an ITSM suite what to send on itsm.changes.v1 and how to compute the deployment id planning
 * gives its change: the example change is one this consumer accepts, and the doc's function gives the id it derives
 * (`changeDeploymentId`).
 */
const doc = readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'integration.md'), 'utf8');
const snippet = (start: string, end: string) => {
  const from = doc.indexOf(start);
  if (from < 0) throw new Error(`docs/integration.md no longer has "${start}"`);
  return doc.slice(from, doc.indexOf(end, from) + end.length);
};

it("the example ChangeAuthorized of docs/integration.md is one planning accepts", () => {
  const change = new Function(`${snippet('const change = {', '\n};')}\nreturn change;`)() as unknown;
  expect(validateItsmEvent('ChangeAuthorized', change)).toBeNull();
});

it('the deployment id docs/integration.md computes from a change is the one planning derives', () => {
  const deploymentIdOf = new Function('require', `${snippet("const { createHash } = require('node:crypto');", '\n};')}\nreturn deploymentIdOf;`)(require) as (...args: string[]) => string;
  for (const [source, changeId, environment, service] of [
    ['/servicenow/change', 'CHG0031337', 'staging', 'payments'],
    ['/jira/changes', 'OPS-12', 'production', 'ledger-api'],
  ]) {
    expect(deploymentIdOf(source, changeId, environment, service)).toBe(changeDeploymentId(source, { changeId, environment, service }));
  }
});
