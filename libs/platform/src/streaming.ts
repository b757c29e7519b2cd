/** A stream an export writes to: an HTTP response, or a gRPC server stream. */
export interface ExportSink {
  write(chunk: unknown): boolean;
  once(event: string, listener: () => void): unknown;
  off(event: string, listener: () => void): unknown;
}

/**
 * Writes and, when the client is slower than the store, waits for it to drain its buffer, so a service never holds
 * more than a page of an export. Rejects when the client goes away (`gone`: 'close' for HTTP, 'cancelled' for gRPC).
 */
export const writeWhenDrained = (sink: ExportSink, chunk: unknown, gone: 'close' | 'cancelled', isGone: () => boolean): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    if (isGone()) return reject(new Error('the client went away'));
    if (sink.write(chunk)) return resolve();
    const drained = () => (sink.off(gone, left), resolve());
    const left = () => (sink.off('drain', drained), reject(new Error('the client went away')));
    sink.once('drain', drained);
    sink.once(gone, left);
  });

/** The Node response as a writable stream: write() says false when the client is slower than the export. */
export interface StreamingResponse extends ExportSink {
  status(code: number): unknown;
  setHeader(name: string, value: string): unknown;
  end(): unknown;
  destroy(): unknown;
  destroyed: boolean;
}

/**
 * Answers 200 with `content-type` and streams the text of each page as it comes, under the client's flow control.
 * A failure after the headers cuts the connection, so the client sees an incomplete export, never a short "complete" one.
 */
export async function streamPages(res: StreamingResponse, headers: Record<string, string>, pages: AsyncIterable<string>): Promise<void> {
  res.status(200);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  try {
    for await (const text of pages) if (text) await writeWhenDrained(res, text, 'close', () => res.destroyed);
    res.end();
  } catch {
    res.destroy();
  }
}
