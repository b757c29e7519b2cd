import type { Terminal } from './invocation';

export interface Progress {
  /** `done` of the total so far */
  update(done: number): void;
  finish(): void;
}

const WIDTH = 30;

/** The bar's line for `done` of `total` (total unknown: a count only). */
export function progressLine(label: string, done: number, total: number | undefined): string {
  if (!total) return `${label} ${done}`;
  const share = Math.min(1, done / total);
  const filled = Math.round(share * WIDTH);
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${done}/${total} ${Math.floor(share * 100)}%`;
}

/** A bar redrawn in place on a terminal at most every 100 ms; nothing at all when the stream is not a terminal. */
export function progressBar(stream: Terminal, label: string, total: number | undefined): Progress {
  if (!stream.isTTY) return { update: () => undefined, finish: () => undefined };
  let drawn = 0;
  let last = 0;
  const draw = (done: number) => stream.write(`\r${progressLine(label, done, total)}\u001b[K`);
  return {
    update(done) {
      last = done;
      const now = performance.now();
      if (now - drawn < 100) return;
      drawn = now;
      draw(done);
    },
    finish() {
      draw(last);
      stream.write('\n');
    },
  };
}

/** A fetch whose response bodies count their lines as they arrive (`onLines` with the count so far). */
export const countingLines = (onLines: (lines: number) => void): typeof fetch => async (input, init) => {
  const response = await fetch(input, init);
  if (!response.body) return response;
  let lines = 0;
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      for (const byte of chunk) if (byte === 0x0a) lines++;
      onLines(lines);
      controller.enqueue(chunk);
    },
  });
  return new Response(response.body.pipeThrough(counter), { status: response.status, statusText: response.statusText, headers: response.headers });
};
