/**
 * The last hash this process saw at a stream's version, so an append whose caller just read the stream needs no
 * second read of the head. Only a hint: the append statement checks the hash against the streams table and falls
 * back to reading the head when they differ (e.g. the transaction that wrote it rolled back). Bounded, least
 * recently used first out.
 */
export class StreamHeads {
  private readonly heads = new Map<string, { version: number; lastHash: string }>();

  constructor(private readonly capacity = 10_000) {}

  lastHashAt(streamId: string, version: number): string | undefined {
    const head = this.heads.get(streamId);
    return head?.version === version ? head.lastHash : undefined;
  }

  remember(streamId: string, version: number, lastHash: string): void {
    this.heads.delete(streamId);
    this.heads.set(streamId, { version, lastHash });
    if (this.heads.size > this.capacity) this.heads.delete(this.heads.keys().next().value!);
  }
}
