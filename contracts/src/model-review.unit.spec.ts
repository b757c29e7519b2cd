import { EVENTS, topicOfEvent } from './events';
import { SAMPLE_MODEL_CONTENT, SAMPLE_PAYLOADS } from './samples.fixture';
import { validatePayload } from './validation';

const published = (content: unknown) => ({ ...SAMPLE_PAYLOADS.DeploymentModelPublished, content });

describe('deployment model content schema', () => {
  it('accepts each strategy with exactly its own parameters', () => {
    for (const strategy of [{ type: 'big-bang' }, { type: 'blue-green' }, { type: 'progressive', waves: [0.1, 0.9] }, SAMPLE_MODEL_CONTENT.strategy]) {
      expect(validatePayload('DeploymentModelPublished', published({ ...SAMPLE_MODEL_CONTENT, strategy }))).toBeNull();
    }
  });

  it('refuses a strategy with parameters of another strategy, or without its own', () => {
    expect(validatePayload('DeploymentModelPublished', published({ ...SAMPLE_MODEL_CONTENT, strategy: { type: 'big-bang', waves: [1] } }))).not.toBeNull();
    expect(validatePayload('DeploymentModelPublished', published({ ...SAMPLE_MODEL_CONTENT, strategy: { type: 'canary', steps: [1] } }))).not.toBeNull();
    expect(validatePayload('DeploymentModelPublished', published({ ...SAMPLE_MODEL_CONTENT, strategy: { type: 'rolling' } }))).not.toBeNull();
  });

  it('names the field that is wrong', () => {
    expect(validatePayload('DeploymentModelPublished', published({ ...SAMPLE_MODEL_CONTENT, rollbackPolicy: 'manual' }))).toBe(
      'content.rollbackPolicy must be one of "automatic", "on-decision"',
    );
    expect(validatePayload('DeploymentModelPublished', published({ ...SAMPLE_MODEL_CONTENT, applicability: { ...SAMPLE_MODEL_CONTENT.applicability, componentSources: ['partner'] } }))).toBe(
      'content.applicability.componentSources[0] must be one of "in-house", "vendor", "external-consumers"',
    );
  });

  it('reuses the acceptance criterion of requests, parameters and all', () => {
    const criterion = { type: 'smoke-tests', description: 'suite passes', url: 'https://x' };
    expect(validatePayload('DeploymentModelPublished', published({ ...SAMPLE_MODEL_CONTENT, acceptanceCriteria: [criterion] }))).toBe('content.acceptanceCriteria[0].url is not allowed');
  });
});

describe('where model review publishes', () => {
  it('a change request for a model goes to change enablement; everything else to gantry.model-review.v1', () => {
    expect(EVENTS.ModelChangeRequested).toMatchObject({ topic: 'gantry.feedback.change-enablement.v1', type: 'gantry.model-review.ModelChangeRequested.v1' });
    expect(topicOfEvent('DeploymentModelPublished')).toBe('gantry.model-review.v1');
    expect(topicOfEvent('DeploymentModelUpdateCommunicated')).toBe('gantry.model-review.v1');
    expect(topicOfEvent('NoSuchEvent')).toBeUndefined();
  });
});
