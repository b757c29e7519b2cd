export { JUDGE_METHOD, JUDGE_VERSION, judge, periodVerdict, ruleDigest, samplesDigest, type JudgeConfig, type Judgement, type Verdict } from './judge';
export { mannWhitney, type MannWhitneyResult } from './mann-whitney';
export { obrienFlemingBoundaries, spentAlpha } from './alpha-spending';
