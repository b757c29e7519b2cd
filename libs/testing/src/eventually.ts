/** What `eventually` polls: a value that holds, or one that does not yet (undefined, null, false, or a throw). */
export type Probe<T> = () => Promise<T | undefined | null | false> | T | undefined | null | false;

export interface EventuallyOptions {
  timeoutMs?: number;
  intervalMs?: number;
  what?: string;
  /** ends the wait at once when it aborts (e.g. a process the condition depends on has exited): the error names what was awaited and the reason */
  signal?: AbortSignal;
}

/** Polls a condition until it holds or the deadline passes. Tests wait on progress this way, never on a fixed sleep. */
export async function eventually<T>(
  probe: Probe<T>,
  { timeoutMs = 20_000, intervalMs = 50, what = 'condition', signal }: EventuallyOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  const abortError = () => new Error(`stopped waiting for ${what}: ${signal!.reason instanceof Error ? signal!.reason.message : String(signal!.reason)}`);
  // rejects when the signal aborts; raced with every probe and every pause
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => (onAbort = () => reject(abortError())));
  aborted.catch(() => undefined);
  if (signal?.aborted) throw abortError();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let lastError: unknown;
    for (;;) {
      try {
        const value = await Promise.race([probe(), aborted]);
        if (value) return value as T;
      } catch (error) {
        if (signal?.aborted) throw abortError();
        lastError = error;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
      }
      await Promise.race([new Promise((resolve) => setTimeout(resolve, intervalMs)), aborted]);
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
