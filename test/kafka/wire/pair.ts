// An in-memory connection: the client and broker machines stepped against each other on a simulated clock
// (quinn-proto's tests/util.rs style). No sockets, no timers: `now` only moves when the test says so.
import { createBrokerSession, type BrokerAction, type BrokerSession, type BrokerSessionOptions } from '../../../src/kafka/wire/broker.js';
import { createClientSession, type ClientAction, type ClientSession, type ClientSessionOptions } from '../../../src/kafka/wire/client.js';
import type { TokenValidator } from '../../../src/token.js';
import { acceptAllExtensions } from '../../../src/token.js';

export interface PairOptions {
  broker?: Partial<BrokerSessionOptions>;
  client?: Partial<ClientSessionOptions>;
  validator: TokenValidator;
  /** The token the client's driver provides at each 'need-token', given the time. */
  token: (nowMs: number, reauthentication: boolean) => { value: string; extensions?: ReadonlyMap<string, string> } | { error: unknown };
  startMs?: number;
  /** False: the client's timers never fire (a client that does not re-authenticate). */
  clientTimers?: boolean;
}

export class Pair {
  now: number;
  readonly broker: BrokerSession;
  readonly client: ClientSession;
  readonly brokerLog: BrokerAction[] = [];
  readonly clientLog: ClientAction[] = [];
  /** Bytes in flight each way. */
  private toBroker: Uint8Array[] = [];
  private toClient: Uint8Array[] = [];
  closed: { by: 'broker' | 'client'; action: BrokerAction | ClientAction } | null = null;

  constructor(private readonly options: PairOptions) {
    this.now = options.startMs ?? 1_700_000_000_000;
    this.broker = createBrokerSession({ broker: { nodeId: 1, host: '127.0.0.1', port: 9092 }, ...options.broker }, this.now);
    this.client = createClientSession({ random: () => 0.5, ...options.client });
  }

  start(): Promise<void> {
    this.client.start(this.now);
    return this.run();
  }

  /** Drains both machines and delivers bytes until nothing moves (bounded: a livelock fails the test). */
  async run(): Promise<void> {
    for (let round = 0; round < 1000; round++) {
      let moved = false;
      for (let a = this.client.poll(); a !== null; a = this.client.poll()) {
        moved = true;
        this.clientLog.push(a);
        if (a.type === 'send') this.toBroker.push(a.bytes);
        else if (a.type === 'need-token') this.client.tokenProvided(this.options.token(this.now, a.reauthentication), this.now);
        else if ((a.type === 'close' || a.type === 'failed') && this.closed === null) this.closed = { by: 'client', action: a };
      }
      for (let a = this.broker.poll(); a !== null; a = this.broker.poll()) {
        moved = true;
        this.brokerLog.push(a);
        if (a.type === 'send') this.toClient.push(a.bytes);
        else if (a.type === 'validate') {
          let result;
          try {
            result = { token: await this.options.validator(a.token, { nowMs: this.now }) };
          } catch (error) {
            result = { error };
          }
          this.broker.tokenValidated(result, this.now);
        } else if (a.type === 'check-extensions') this.broker.extensionsChecked(await acceptAllExtensions(a.token, a.extensions), this.now);
        else if (a.type === 'close' && this.closed === null) this.closed = { by: 'broker', action: a };
      }
      if (this.closed?.by === 'broker') {
        // The driver flushes the broker's last sends, then closes both ends.
        for (const b of this.toClient.splice(0)) this.client.receive(b, this.now);
        for (let a = this.client.poll(); a !== null; a = this.client.poll()) this.clientLog.push(a);
        this.toBroker = [];
        return;
      }
      if (this.closed?.by === 'client') return;
      for (const b of this.toBroker.splice(0)) { moved = true; this.broker.receive(b, this.now); }
      for (const b of this.toClient.splice(0)) { moved = true; this.client.receive(b, this.now); }
      if (!moved) return;
    }
    throw new Error('the pair did not settle in 1000 rounds');
  }

  /** Moves the clock to `untilMs`, firing each machine's timeout in order on the way. */
  async advance(untilMs: number): Promise<void> {
    for (let i = 0; i < 10_000 && this.closed === null; i++) {
      const times = [this.broker.pollTimeout(), this.options.clientTimers === false ? null : this.client.pollTimeout()].filter((t): t is number => t !== null && t <= untilMs);
      if (times.length === 0) break;
      this.now = Math.max(this.now, Math.min(...times));
      this.broker.handleTimeout(this.now);
      if (this.options.clientTimers !== false) this.client.handleTimeout(this.now);
      await this.run();
    }
    if (this.closed === null) this.now = Math.max(this.now, untilMs);
  }

  /** Sends bytes from the client side as if its driver wrote them (to craft a misbehaving client). */
  async inject(bytes: Uint8Array): Promise<void> {
    this.broker.receive(bytes, this.now);
    await this.run();
  }

  brokerActions<T extends BrokerAction['type']>(type: T): Extract<BrokerAction, { type: T }>[] {
    return this.brokerLog.filter((a): a is Extract<BrokerAction, { type: T }> => a.type === type);
  }

  clientActions<T extends ClientAction['type']>(type: T): Extract<ClientAction, { type: T }>[] {
    return this.clientLog.filter((a): a is Extract<ClientAction, { type: T }> => a.type === type);
  }
}
