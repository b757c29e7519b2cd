/**
 * How far a ledger export has come while its body streams in: the entries (NDJSON lines, each ended by a newline)
 * and the bytes received so far, of `total` entries (the export's range: up to the head read before it started).
 */
export interface ExportProgress {
  entries: number;
  bytes: number;
  total: number;
}

const NEWLINE = 0x0a;

export const noProgress = (total: number): ExportProgress => ({ entries: 0, bytes: 0, total });

/** The progress after one more chunk of the body. */
export function progressAfter(progress: ExportProgress, chunk: Uint8Array): ExportProgress {
  let lines = 0;
  for (let at = chunk.indexOf(NEWLINE); at >= 0; at = chunk.indexOf(NEWLINE, at + 1)) lines++;
  return { ...progress, entries: progress.entries + lines, bytes: progress.bytes + chunk.length };
}

/** A share from 0 to 1 (an empty range is done at once). */
export const shareDone = (progress: ExportProgress): number => (progress.total === 0 ? 1 : Math.min(1, progress.entries / progress.total));

/** `1,234 of 5,000 entries (1.2 MiB)` */
export function describeProgress(progress: ExportProgress): string {
  return `${progress.entries.toLocaleString('en')} of ${progress.total.toLocaleString('en')} entries (${sizeOf(progress.bytes)})`;
}

export function sizeOf(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * A fetch whose response bodies report their progress as they arrive (as the CLI's `countingLines` does), for a
 * client that reads the body to its end: the client gets the same bytes, the callback each chunk's progress.
 */
export const countingFetch =
  (total: number, onProgress: (progress: ExportProgress) => void): typeof fetch =>
  async (input, init) => {
    const response = await fetch(input, init);
    if (!response.ok || !response.body) return response;
    let progress = noProgress(total);
    const counter = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        progress = progressAfter(progress, chunk);
        onProgress(progress);
        controller.enqueue(chunk);
      },
    });
    return new Response(response.body.pipeThrough(counter), { status: response.status, statusText: response.statusText, headers: response.headers });
  };
