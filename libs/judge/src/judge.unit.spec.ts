import { judge, JUDGE_VERSION, periodVerdict, samplesDigest, type JudgeConfig, type Judgement } from './judge';

// Recorded series, one sample a minute: an hour of baseline before the deployment, then the monitoring period.
// p95 latency (ms):
const latencyBaseline = [158.0, 130.6, 104.8, 87.6, 74.7, 120.6, 98.0, 96.5, 113.5, 118.5, 67.9, 151.2, 72.3, 191.0, 139.1, 106.6, 167.9, 120.6, 142.6, 123.3, 157.8, 156.5, 95.6, 103.0, 130.8, 113.9, 67.8, 199.1, 69.7, 71.3, 87.2, 138.2, 188.0, 113.1, 108.8, 125.3, 109.5, 122.5, 90.2, 133.9, 132.4, 65.3, 116.7, 125.0, 138.1, 97.9, 86.1, 94.6, 137.6, 97.0, 99.1, 159.7, 98.6, 95.9, 117.3, 126.1, 155.5, 96.3, 81.1, 116.4];
const latencySameRelease = [140.9, 82.9, 106.2, 129.5, 127.1, 122.5, 112.5, 98.3, 95.2, 160.2, 90.8, 163.1, 86.4, 248.0, 77.7, 179.2, 95.9, 116.6, 118.0, 101.9, 209.5, 122.9, 86.2, 141.1, 143.4, 90.1, 137.2, 122.1, 147.3, 143.4, 119.7, 108.4, 150.7, 129.8, 82.7, 104.7, 106.3, 112.4, 212.4, 109.2, 135.2, 181.5, 136.1, 133.7, 166.0, 126.1, 125.7, 142.5, 133.0, 101.2, 89.7, 116.6, 170.2, 113.4, 159.9, 133.0, 111.1, 62.1, 126.9, 112.0];
const latencyFivePercentSlower = [84.4, 143.3, 125.2, 138.4, 108.3, 132.5, 111.9, 164.4, 130.0, 88.7, 132.9, 128.1, 119.8, 89.9, 164.2, 104.9, 187.2, 106.8, 127.0, 124.6, 130.9, 244.0, 111.2, 211.4, 147.3, 105.9, 172.5, 155.5, 160.0, 90.3, 142.9, 113.9, 121.6, 121.9, 127.3, 187.5, 138.5, 79.4, 172.1, 128.8, 130.2, 79.8, 139.2, 111.2, 160.0, 141.2, 155.0, 114.8, 79.8, 160.5, 140.0, 116.0, 109.6, 101.0, 81.1, 93.9, 123.8, 188.4, 141.1, 188.2];
// error rate (% of requests failed):
const errorRateBaseline = [0.6, 0.85, 1.35, 0.95, 1.1, 0.85, 1.15, 1.3, 0.75, 0.8, 0.85, 1.3, 0.6, 0.95, 0.95, 1.05, 0.6, 0.7, 1.05, 1.25, 0.9, 0.9, 1.0, 0.7, 1.1, 0.5, 0.95, 1.1, 0.65, 0.8, 0.75, 1.05, 0.7, 0.85, 0.95, 0.55, 0.85, 0.7, 0.75, 0.7, 0.85, 0.55, 0.75, 0.75, 1.0, 1.0, 0.85, 0.65, 0.9, 0.9, 0.9, 0.85, 0.75, 0.5, 0.65, 0.65, 0.8, 0.75, 0.85, 1.15];
const errorRateFiveTimes = [4.4, 4.5, 4.35, 4.2, 4.75, 4.6, 4.3, 4.0, 4.2, 5.05, 4.7, 4.75, 5.0, 4.0, 4.6, 4.4, 4.45, 4.3, 5.0, 4.2, 3.45, 4.9, 4.9, 4.7, 4.45, 4.05, 4.2, 4.45, 5.4, 4.35];
// throughput (requests/s):
const throughputBaseline = [171, 196, 192, 179, 200, 189, 167, 192, 183, 212, 200, 186, 202, 222, 184, 187, 198, 200, 201, 181, 201, 185, 190, 210, 191, 206, 195, 201, 201, 207, 208, 190, 219, 207, 211, 211, 194, 199, 200, 203, 220, 222, 241, 222, 220, 199, 190, 200, 196, 187, 197, 205, 200, 210, 207, 205, 215, 198, 201, 217];
const throughputDropped = [161, 132, 151, 168, 155, 164, 132, 155, 126, 158, 135, 167, 142, 151, 153, 150, 131, 159, 144, 179, 147, 153, 146, 171, 168, 157, 162, 139, 139, 166];
const throughputRisen = [205, 211, 196, 210, 220, 214, 197, 224, 217, 184, 202, 211, 208, 217, 228, 214, 214, 231, 234, 211, 234, 194, 233, 220, 204, 209, 216, 231, 225, 218];
// errors counted a minute (mostly zeros: ties):
const errorCountsBaseline = [0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 2, 1, 0, 1, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0];
const errorCountsSameRelease = [1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 0, 1, 1, 0, 0];
const errorCountsFiveTimes = [1, 2, 2, 2, 2, 2, 1, 0, 1, 0, 1, 1, 1, 2, 2, 1, 1, 2, 1, 0, 4, 0, 2, 0, 2, 1, 1, 1, 0, 2, 0, 0, 1, 2, 4, 2, 1, 4, 0, 1, 1, 0, 1, 1, 2, 0, 1, 0, 1, 0, 4, 2, 2, 1, 1, 1, 0, 0, 1, 0];

const config: JudgeConfig = { harm: 'increase', tolerance: 0.1, alpha: 0.05, minimumSamples: 10, looks: 12 };

describe('judge', () => {
  it('given a release that behaves as the baseline did, when the last look judges, then it passes', () => {
    const judgement = judge(latencyBaseline, latencySameRelease, 12, config);
    expect(judgement.verdict).toBe('pass');
    expect(judgement.details).toMatchObject({ look: 12, baselineCount: 60, currentCount: 60 });
    expect(judgement.details.statistic).toBeLessThan(judgement.details.boundary);
    expect(judgement.reason).toMatch(/^mean 127 vs baseline 117 \(\+8\.62 %\): no sign of worse beyond the 10 % tolerance \(z -0\.365, boundary 1\.81; look 12 of 12\)$/);
  });

  it('given an error rate five times the baseline, when look 3 judges 30 minutes of it, then it fails and says by how much', () => {
    const judgement = judge(errorRateBaseline, errorRateFiveTimes, 3, config);
    expect(judgement.verdict).toBe('fail');
    expect(judgement.details.statistic).toBeGreaterThanOrEqual(judgement.details.boundary);
    expect(judgement.details.effect).toBeCloseTo(3.6, 6);
    expect(judgement.details.interval![0]).toBeGreaterThan(0);
    expect(judgement.reason).toBe('mean 4.49 vs baseline 0.858 (+423 %): higher, worse beyond the 10 % tolerance (z 7.71, boundary 3.75; look 3 of 12)');
  });

  it('given the same error rate at the first look, then it is inconclusive: leaning worse, not yet beyond the first boundary', () => {
    const judgement = judge(errorRateBaseline, errorRateFiveTimes.slice(0, 10), 1, config);
    expect(judgement.verdict).toBe('inconclusive');
    expect(judgement.reason).toContain("leaning higher beyond the 10 % tolerance, not yet beyond this look's boundary");
  });

  it('given latency a little worse, inside the tolerance, then it passes; with no tolerance the same samples fail', () => {
    expect(judge(latencyBaseline, latencyFivePercentSlower, 12, config).verdict).toBe('pass');
    expect(judge(latencyBaseline, latencyFivePercentSlower, 12, { ...config, tolerance: 0 }).verdict).toBe('fail');
  });

  it('given fewer samples than the minimum in either group, then it is inconclusive and says what is missing', () => {
    expect(judge(latencyBaseline, latencySameRelease.slice(0, 5), 1, config)).toMatchObject({
      verdict: 'inconclusive',
      reason: 'too few samples to judge: 5 current and 60 baseline, 10 needed in each (look 1 of 12)',
    });
    expect(judge(latencyBaseline.slice(0, 9), latencySameRelease, 12, config).verdict).toBe('inconclusive');
    expect(judge([], [], 1, config)).toMatchObject({ verdict: 'inconclusive', details: { statistic: 0, effect: 0, baselineCount: 0, currentCount: 0 } });
  });

  it('given harm is a fall (throughput), then a drop fails and a rise passes; judged as a rise, the drop would pass', () => {
    const fall: JudgeConfig = { ...config, harm: 'decrease' };
    const dropped = judge(throughputBaseline, throughputDropped, 3, fall);
    expect(dropped.verdict).toBe('fail');
    expect(dropped.details.effect).toBe(-48);
    expect(dropped.reason).toContain('lower, worse beyond the 10 % tolerance');
    expect(judge(throughputBaseline, throughputRisen, 12, fall).verdict).toBe('pass');
    expect(judge(throughputBaseline, throughputDropped, 12, config).verdict).toBe('pass');
  });

  it('given error counts that are mostly zeros (ties), then the same release passes and five times the errors fails', () => {
    expect(judge(errorCountsBaseline, errorCountsSameRelease, 12, config).verdict).toBe('pass');
    const worse = judge(errorCountsBaseline, errorCountsFiveTimes, 4, config);
    expect(worse.verdict).toBe('fail');
    expect(worse.details).toMatchObject({ effect: 1, interval: [0, 1] });
  });

  it('is deterministic: the same input gives the same verdict, details and digest', () => {
    const again = () => judge([...errorCountsBaseline], [...errorCountsFiveTimes], 4, { ...config });
    expect(again()).toEqual(again());
    const digest = () => samplesDigest({ baseline: errorCountsBaseline, current: errorCountsFiveTimes, look: 4, config: { ...config } });
    expect(digest()).toBe(digest());
  });

  it('refuses NaN or Infinity samples, a look outside the plan and a config that makes no sense', () => {
    expect(() => judge([1, Number.NaN], [1], 1, config)).toThrow('baseline[1] is NaN: samples must be finite numbers (drop missing points before judging)');
    expect(() => judge([1], [-Infinity], 1, config)).toThrow('current[0] is -Infinity');
    expect(() => judge([1], [1], 13, config)).toThrow('look 13 is not one of the 12 planned looks');
    expect(() => judge([1], [1], 0, config)).toThrow('look 0');
    expect(() => judge([1], [1], 1, { ...config, alpha: 0 })).toThrow('alpha 0');
    expect(() => judge([1], [1], 1, { ...config, tolerance: -0.1 })).toThrow('tolerance -0.1');
    expect(() => judge([1], [1], 1, { ...config, harm: 'up' as never })).toThrow('harm up');
    expect(() => judge([1], [1], 1, { ...config, minimumSamples: 0 })).toThrow('minimumSamples 0');
  });
});

describe('samplesDigest', () => {
  const input = { baseline: [0, 1, 0, 2], current: [1, 0, 0], look: 2, config: { ...config, minimumSamples: 3 } };

  // sha256 of {"baseline":[0,1,0,2],"config":{"alpha":0.05,"harm":"increase","looks":12,"minimumSamples":3,"tolerance":0.1},"current":[1,0,0],"look":2,"version":"gantry-judge/1"}
  // computed with Python's json.dumps(sort_keys=True, separators=(',', ':')) and hashlib, as an auditor would
  it('is the sha256 of the canonical JSON of the samples, the look, the config and the version', () => {
    expect(JUDGE_VERSION).toBe('gantry-judge/1');
    expect(samplesDigest(input)).toBe('6609d9aa805476a131b76a459aac395ef7790740ebbdfb98af238fae77a2e111');
  });

  it('does not depend on the order of the config’s keys, and changes with any sample or the look', () => {
    const { alpha, harm, looks, minimumSamples, tolerance } = input.config;
    expect(samplesDigest({ ...input, config: { tolerance, minimumSamples, looks, harm, alpha } })).toBe(samplesDigest(input));
    expect(samplesDigest({ ...input, current: [1, 0, 1] })).not.toBe(samplesDigest(input));
    expect(samplesDigest({ ...input, look: 3 })).not.toBe(samplesDigest(input));
  });
});

describe('periodVerdict', () => {
  const at = (verdict: Judgement['verdict']): Judgement => ({ verdict, details: {} as Judgement['details'], reason: '' });
  it('fails as soon as one look failed, whatever came after', () => expect(periodVerdict([at('pass'), at('fail'), at('pass')])).toBe('fail'));
  it('passes only when the last look passed', () => {
    expect(periodVerdict([at('inconclusive'), at('pass')])).toBe('pass');
    expect(periodVerdict([at('pass'), at('inconclusive')])).toBe('inconclusive');
  });
  it('is inconclusive with no look at all', () => expect(periodVerdict([])).toBe('inconclusive'));
});
