/**
 * The environment's monitoring system, asked over the Prometheus HTTP API (`GET /api/v1/query_range`: PromQL, a time
 * range and a step). The query must give one series (an aggregation such as `sum(rate(...))`); its values in time
 * order are the samples. Points Prometheus has no value for (NaN, ±Inf: a ratio over no traffic) are left out.
 */
export async function queryRange(baseUrl: string, query: string, from: Date, to: Date, stepSeconds: number, timeoutMs: number): Promise<{ samples: number[] } | { problem: string }> {
  const url = new URL('api/v1/query_range', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  url.search = new URLSearchParams({ query, start: (from.getTime() / 1000).toFixed(3), end: (to.getTime() / 1000).toFixed(3), step: String(stepSeconds) }).toString();
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json', 'user-agent': 'gantry-verification' } });
  } catch (error) {
    return { problem: `the monitoring system did not answer (${(error as Error).name === 'TimeoutError' ? 'timeout' : 'unreachable'})` };
  }
  const text = await response.text();
  let body: { status?: string; error?: string; data?: { resultType?: string; result?: { values?: [number, string][] }[] } };
  try {
    body = JSON.parse(text);
  } catch {
    return { problem: `the monitoring system answered ${response.status} without JSON` };
  }
  if (!response.ok || body.status !== 'success') return { problem: `the monitoring system refused the query (${response.status}): ${String(body.error ?? 'no reason given').slice(0, 500)}` };
  const series = body.data?.result ?? [];
  if (body.data?.resultType !== 'matrix') return { problem: `the query gave a ${String(body.data?.resultType)}, not a range of values` };
  if (series.length > 1) return { problem: `the query gave ${series.length} series; a signal judges one (aggregate it, e.g. with sum())` };
  const samples = (series[0]?.values ?? []).map(([, value]) => Number(value)).filter((v) => Number.isFinite(v));
  return { samples };
}
