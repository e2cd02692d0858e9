// Polling helper for extension-host tests: wait for observable state instead of sleeping.

export interface WaitForOptions {
  /** Give up after this long (default 20 s; generous for a loaded 2-core machine). */
  timeoutMs?: number;
  /** Poll interval (default 100 ms). */
  intervalMs?: number;
  /** Included in the timeout error, e.g. "badge of results.csv to become ✗". */
  message?: string;
}

/**
 * Resolves with the first truthy value `predicate` returns (sync or async). Exceptions thrown by
 * the predicate count as "not yet" and the last one is reported if the wait times out.
 */
export async function waitFor<T>(predicate: () => T | Promise<T>, options: WaitForOptions = {}): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const intervalMs = options.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`waitFor timed out after ${timeoutMs} ms: ${options.message ?? 'condition never held'}${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
