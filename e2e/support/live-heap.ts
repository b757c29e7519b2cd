import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * What stays alive in a process's V8 heap: a full collection, then the heap in use, through the process's inspector
 * (started with `--inspect=127.0.0.1:0`). The heap in use between collections swings with the load and the collector's
 * pace, and RSS with the allocator's; this is the figure a leak raises. Asked by a child Node process (Jest's
 * environment has no WebSocket), of every process in one go.
 */
export async function liveHeapsMiB(inspectors: Record<string, string>): Promise<Record<string, number>> {
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', ASK, JSON.stringify(inspectors)], { encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(stdout) as Record<string, number>;
}

/** The inspector's WebSocket address a process started with `--inspect=127.0.0.1:0` printed. */
export const inspectorOf = (output: string): string | undefined => /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1];

const ASK = `
const ask = (url) => new Promise((resolve, reject) => {
  const socket = new WebSocket(url);
  const replies = new Map();
  let id = 0;
  const call = (method, params = {}) => new Promise((done) => { replies.set(++id, done); socket.send(JSON.stringify({ id, method, params })); });
  socket.addEventListener('error', () => reject(new Error('cannot reach the inspector at ' + url)));
  socket.addEventListener('message', (message) => { const reply = JSON.parse(message.data); replies.get(reply.id)?.(reply); });
  socket.addEventListener('open', async () => {
    await call('HeapProfiler.collectGarbage');
    const used = await call('Runtime.evaluate', { expression: 'process.memoryUsage().heapUsed', returnByValue: true });
    socket.close();
    resolve(Math.round(used.result.result.value / 1048576));
  });
});
const inspectors = JSON.parse(process.argv[1]);
Promise.all(Object.entries(inspectors).map(async ([name, url]) => [name, await ask(url)])).then((heaps) => console.log(JSON.stringify(Object.fromEntries(heaps))));
`;
