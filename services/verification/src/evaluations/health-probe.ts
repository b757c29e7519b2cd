/**
 * One HTTP probe: the status the service answered, or why there was no answer (`timeout`, `unreachable`). Redirects
 * are not followed (a redirect could lead off the allow-list); the body is discarded.
 */
export async function probeOnce(url: string, timeoutMs: number): Promise<number | 'timeout' | 'unreachable'> {
  try {
    const response = await fetch(url, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs), headers: { 'user-agent': 'gantry-verification' } });
    await response.body?.cancel().catch(() => undefined);
    return response.status;
  } catch (error) {
    return (error as Error).name === 'TimeoutError' ? 'timeout' : 'unreachable';
  }
}
