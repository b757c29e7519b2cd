import { backoffDelay, delay } from './backoff';
import { DEFAULT_MAX_BATCH, type BatchHandler, type IncomingMessage, type MessageBus, type OutgoingMessage, type SubscribeOptions, type Subscription } from './bus';
import { errorFields, jsonStderrLog, type MessagingLog } from './log';

/**
 * The bus of the embedded default: one process, no Kafka, topics in memory with one partition each.
 * `produce` resolves only after every group subscribed to the topic has handled the messages, so the
 * publisher's checkpoint advances only past delivered events; after a restart the publisher sends again
 * from its checkpoint and consumers drop the repeats through their inbox.
 * Messages stay in memory until every group that ever subscribed to the topic has handled them; a topic
 * nobody has subscribed to yet keeps its latest `retainedWithoutGroups` messages (default 10 000) for the
 * first group that subscribes from the beginning — consumers subscribe at startup, and a topic that nobody
 * in this process consumes must not grow without end.
 */
export class InProcessBus implements MessageBus {
  private readonly topics = new Map<string, TopicLog>();
  private readonly members = new Set<Member>();
  private closed = false;

  constructor(
    private readonly log: MessagingLog = jsonStderrLog(),
    private readonly retainedWithoutGroups = 10_000,
  ) {}

  async ensureTopics(topics: string[]): Promise<void> {
    topics.forEach((topic) => this.topic(topic));
  }

  async produce(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (this.closed) throw new Error('the in-process bus is closed');
    if (messages.length === 0) return;
    const log = this.topic(topic);
    for (const message of messages) {
      log.messages.push({
        topic,
        partition: 0,
        offset: String(log.end),
        key: message.key,
        value: Buffer.from(message.value),
        headers: { ...message.headers },
      });
    }
    if (log.groups.size === 0) log.dropOldest(this.retainedWithoutGroups);
    const lastOffset = log.end - 1;
    const awaited = [...log.groups.values()].filter((cursor) => cursor.member);
    awaited.forEach((cursor) => cursor.member!.wake());
    await Promise.all(awaited.map((cursor) => cursor.handled(lastOffset)));
  }

  async subscribe(options: SubscribeOptions, handle: BatchHandler): Promise<Subscription> {
    if (this.closed) throw new Error('the in-process bus is closed');
    const cursors = options.topics.map((topic) => {
      const log = this.topic(topic);
      const existing = log.groups.get(options.group);
      if (existing?.member) throw new Error(`group ${options.group} already consumes ${topic} in this process`);
      const cursor = existing ?? new GroupCursor(log, options.fromBeginning ? log.base : log.end);
      log.groups.set(options.group, cursor);
      return cursor;
    });
    const member = new Member(options.group, cursors, handle, options.maxBatch ?? DEFAULT_MAX_BATCH, this.log);
    this.members.add(member);
    return {
      close: async () => {
        this.members.delete(member);
        await member.close();
      },
    };
  }

  async health(): Promise<void> {
    if (this.closed) throw new Error('the in-process bus is closed');
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.members].map((member) => member.close()));
    this.members.clear();
  }

  private topic(name: string): TopicLog {
    let log = this.topics.get(name);
    if (!log) {
      log = new TopicLog();
      this.topics.set(name, log);
    }
    return log;
  }
}

class TopicLog {
  /** offset of messages[0]: handled messages are dropped from the front */
  base = 0;
  readonly messages: IncomingMessage[] = [];
  /** every group that ever subscribed, by name: it keeps its position while no member is subscribed */
  readonly groups = new Map<string, GroupCursor>();

  get end(): number {
    return this.base + this.messages.length;
  }

  /** up to `count` messages from `offset` on */
  from(offset: number, count: number): IncomingMessage[] {
    return this.messages.slice(offset - this.base, offset - this.base + count);
  }

  dropOldest(keep: number): void {
    const excess = this.messages.length - keep;
    if (excess > 0) {
      this.messages.splice(0, excess);
      this.base += excess;
    }
  }

  dropHandled(): void {
    const lowest = Math.min(...[...this.groups.values()].map((cursor) => cursor.next));
    if (lowest > this.base) {
      this.messages.splice(0, lowest - this.base);
      this.base = lowest;
    }
  }
}

/** A group's position in one topic, and the producers waiting for it to pass an offset. */
class GroupCursor {
  member: Member | undefined;
  private waiters: { offset: number; resolve: () => void; reject: (error: Error) => void }[] = [];

  constructor(
    readonly log: TopicLog,
    public next: number,
  ) {}

  get pending(): boolean {
    return this.next < this.log.end;
  }

  handled(offset: number): Promise<void> {
    if (this.next > offset) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ offset, resolve, reject }));
  }

  /** Everything before `next` is handled. */
  advanceTo(next: number): void {
    if (next <= this.next) return;
    this.next = next;
    this.waiters = this.waiters.filter((waiter) => {
      if (this.next <= waiter.offset) return true;
      waiter.resolve();
      return false;
    });
    this.log.dropHandled();
  }

  /** The member left before handling what producers wait for: they must send again. */
  release(group: string): void {
    this.member = undefined;
    this.waiters.forEach((waiter) => waiter.reject(new Error(`group ${group} stopped before handling offset ${waiter.offset}`)));
    this.waiters = [];
  }
}

/**
 * One subscription: handles its topics' messages a batch at a time (what is pending in one topic, at most `maxBatch`),
 * each topic in order; a throwing handler gets the messages it did not mark done again after a backoff.
 */
class Member {
  private readonly stopping = new AbortController();
  private wakeUp: (() => void) | undefined;
  private readonly loop: Promise<void>;

  constructor(
    private readonly group: string,
    private readonly cursors: GroupCursor[],
    private readonly handle: BatchHandler,
    private readonly maxBatch: number,
    private readonly log: MessagingLog,
  ) {
    cursors.forEach((cursor) => (cursor.member = this));
    this.loop = this.run();
  }

  wake(): void {
    this.wakeUp?.();
  }

  async close(): Promise<void> {
    this.stopping.abort();
    this.wake();
    await this.loop;
    this.cursors.forEach((cursor) => cursor.release(this.group));
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping.signal.aborted) {
      const cursor = this.cursors.find((candidate) => candidate.pending);
      if (!cursor) {
        await new Promise<void>((resolve) => (this.wakeUp = resolve));
        this.wakeUp = undefined;
        continue;
      }
      const batch = cursor.log.from(cursor.next, this.maxBatch);
      try {
        await this.handle(batch, (message) => cursor.advanceTo(Number(message.offset) + 1));
        cursor.advanceTo(Number(batch[batch.length - 1]!.offset) + 1);
        failures = 0;
      } catch (error) {
        this.log('error', 'in-process handler failed; delivering the messages again', {
          group: this.group,
          topic: batch[0]!.topic,
          offsets: `${batch[0]!.offset}..${batch[batch.length - 1]!.offset}`,
          ...errorFields(error),
        });
        await delay(backoffDelay(failures++, { initialMs: 50, maxMs: 5_000 }), this.stopping.signal);
      }
    }
  }
}
