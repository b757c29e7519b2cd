import { COMPONENT_KINDS, type DeploymentModelContent } from '@gantry/contracts';

/**
 * The starter catalogue: one model for each of the practice's four example cases, and one for retiring components.
 * Loaded by `npm run models:load-catalogue` and by the embedded default on its first start; a model that already
 * exists is left as it is.
 */
export const STARTER_CATALOGUE: readonly DeploymentModelContent[] = [
  {
    name: 'hardware-for-external-consumers',
    description:
      'Hardware delivered to sites of external consumers (terminals, kiosks, branch equipment): rolled out site by site in waves, installed by field engineers with photo evidence, accepted by the consumer.',
    applicability: {
      deploymentKinds: ['install', 'upgrade'],
      componentKinds: ['hardware', 'documentation'],
      componentSources: ['external-consumers'],
      environmentKinds: ['test', 'production'],
      serviceTags: [],
    },
    strategy: { type: 'progressive', waves: [0.1, 0.3, 0.6] },
    environmentFlow: ['test', 'production'],
    gates: [{ environmentKind: 'production', roles: ['deployment-manager', 'service-owner'], minApprovers: 2 }],
    automationLevel: 'manual',
    manualSteps: [
      { instruction: 'Install the device at the site and connect it to power and network', role: 'deployment-practitioner', evidenceRequired: true },
      { instruction: 'Record the serial number and take a photo of the installed device', role: 'deployment-practitioner', evidenceRequired: true },
      { instruction: 'Obtain the consumer’s signed acceptance form', role: 'service-owner', evidenceRequired: true },
    ],
    qualityThresholds: { minTestPassRatio: 1, maxCriticalVulnerabilities: 0, maxHighVulnerabilities: 0 },
    documentationRequired: true,
    backupRequired: false,
    rollbackPolicy: 'on-decision',
    acceptanceCriteria: [{ type: 'manual-evidence', description: 'signed acceptance form from the consumer site', evidenceRole: 'service-owner' }],
    responsibilities: { plan: ['deployment-manager'], execute: ['deployment-practitioner'], verify: ['service-owner'] },
  },
  {
    name: 'vendor-hardware',
    description:
      'Hardware bought from a vendor and installed in our own data centres (servers, storage, network equipment) or on desks (workstations with their system images and drivers): configuration backed up, racked and cabled by hand, switched over at once after checks.',
    applicability: {
      deploymentKinds: ['install', 'upgrade'],
      componentKinds: ['hardware', 'licence', 'documentation', 'configuration', 'workstation-image', 'driver-package'],
      componentSources: ['vendor'],
      environmentKinds: ['staging', 'production'],
      serviceTags: [],
    },
    strategy: { type: 'big-bang' },
    environmentFlow: ['staging', 'production'],
    gates: [{ environmentKind: 'production', roles: ['deployment-manager'], minApprovers: 1 }],
    automationLevel: 'mixed',
    manualSteps: [
      { instruction: 'Rack and cable the equipment as in the vendor’s installation guide', role: 'deployment-practitioner', evidenceRequired: true },
      { instruction: 'Register serial numbers and licence keys with IT asset management', role: 'deployment-practitioner', evidenceRequired: true },
    ],
    qualityThresholds: { minTestPassRatio: 1, maxCriticalVulnerabilities: 0, maxHighVulnerabilities: 0 },
    documentationRequired: true,
    backupRequired: true,
    rollbackPolicy: 'on-decision',
    acceptanceCriteria: [{ type: 'manual-evidence', description: 'burn-in test report of the vendor equipment', evidenceRole: 'deployment-practitioner' }],
    responsibilities: { plan: ['deployment-manager'], execute: ['deployment-practitioner'], verify: ['deployment-manager'] },
  },
  {
    name: 'software-for-external-consumers',
    description:
      'Software used by external consumers (customer-facing apps and APIs): released in progressive waves of tenants behind business and security approval, rolled back automatically when acceptance fails.',
    applicability: {
      deploymentKinds: ['install', 'upgrade'],
      componentKinds: ['software', 'configuration', 'documentation'],
      componentSources: ['external-consumers'],
      environmentKinds: ['test', 'staging', 'production'],
      serviceTags: [],
    },
    strategy: { type: 'progressive', waves: [0.05, 0.25, 0.7] },
    environmentFlow: ['test', 'staging', 'production'],
    gates: [
      { environmentKind: 'staging', roles: ['product-owner'], minApprovers: 1 },
      { environmentKind: 'production', roles: ['deployment-manager', 'product-owner'], minApprovers: 2 },
    ],
    automationLevel: 'automatic',
    manualSteps: [],
    qualityThresholds: { minTestPassRatio: 0.99, maxCriticalVulnerabilities: 0, maxHighVulnerabilities: 0 },
    documentationRequired: true,
    backupRequired: true,
    rollbackPolicy: 'automatic',
    acceptanceCriteria: [
      { type: 'smoke-tests', description: 'consumer journey smoke suite passes' },
      { type: 'metric-threshold', description: 'error ratio stays under 1%', metric: 'http_errors_ratio', comparator: '<', threshold: 0.01, windowSeconds: 900 },
    ],
    responsibilities: { plan: ['deployment-manager'], execute: ['deployment-practitioner'], verify: ['product-owner'] },
  },
  {
    name: 'in-house-software-ci-cd',
    description:
      'Software built in-house and delivered through the CI/CD pipeline: canaried into production with automatic analysis of error rate and latency, rolled back automatically.',
    applicability: {
      deploymentKinds: ['install', 'upgrade'],
      componentKinds: ['software', 'configuration', 'data'],
      componentSources: ['in-house'],
      environmentKinds: ['integration', 'test', 'staging', 'production'],
      serviceTags: [],
    },
    strategy: { type: 'canary', steps: [0.05, 0.25, 1], analysis: { maxErrorRate: 0.01, maxP95LatencyMs: 500 } },
    environmentFlow: ['integration', 'test', 'staging', 'production'],
    gates: [{ environmentKind: 'production', roles: ['deployment-manager', 'service-owner'], minApprovers: 1 }],
    automationLevel: 'automatic',
    manualSteps: [],
    qualityThresholds: { minTestPassRatio: 0.98, maxCriticalVulnerabilities: 0, maxHighVulnerabilities: 3 },
    documentationRequired: false,
    backupRequired: false,
    rollbackPolicy: 'automatic',
    acceptanceCriteria: [
      { type: 'smoke-tests', description: 'service smoke suite passes' },
      { type: 'metric-threshold', description: 'p95 latency stays under 500 ms', metric: 'http_p95_latency_ms', comparator: '<', threshold: 500, windowSeconds: 600 },
    ],
    responsibilities: { plan: ['deployment-practitioner'], execute: ['deployment-practitioner'], verify: ['deployment-practitioner'] },
  },
  {
    name: 'component-retirement',
    description:
      'Retirement of any component from an environment (a `removal` deployment): consumers confirmed gone, data archived and a backup kept, removed at once after approval by the service owner.',
    applicability: {
      deploymentKinds: ['removal'],
      componentKinds: [...COMPONENT_KINDS],
      componentSources: ['in-house', 'vendor', 'external-consumers'],
      environmentKinds: ['development', 'integration', 'test', 'staging', 'production'],
      serviceTags: [],
    },
    strategy: { type: 'big-bang' },
    environmentFlow: ['staging', 'production'],
    gates: [{ environmentKind: 'production', roles: ['service-owner', 'deployment-manager'], minApprovers: 1 }],
    automationLevel: 'mixed',
    manualSteps: [
      { instruction: 'Confirm that no consumer still depends on the component', role: 'service-owner', evidenceRequired: true },
      { instruction: 'Archive the component’s data as the retention policy requires', role: 'deployment-practitioner', evidenceRequired: true },
    ],
    qualityThresholds: { minTestPassRatio: 0, maxCriticalVulnerabilities: 1_000_000, maxHighVulnerabilities: 1_000_000 },
    documentationRequired: false,
    backupRequired: true,
    rollbackPolicy: 'on-decision',
    acceptanceCriteria: [{ type: 'manual-evidence', description: 'the component is gone from the environment and its data is archived', evidenceRole: 'service-owner' }],
    responsibilities: { plan: ['deployment-manager'], execute: ['deployment-practitioner'], verify: ['service-owner'] },
  },
];
