/**
 * Fault injection at the ports: an object store and a warehouse that fail on the Nth call of an
 * operation, the way S3, Snowflake and Lambda fail. A fault throws once, hangs (a call that never
 * returns, as in a frozen or timed-out sandbox), lets the call through late (an abandoned
 * invocation still writing) or kills the adapter for good (a crashed process: every later call
 * fails too). With no faults they only count calls, which gives a sweep its range.
 */
import type { ObjectStore, StoredObject } from '../../lambdas/shared/ports/object-store.js';
import type {
  FilesLoadRequest,
  LoadRequest,
  LoadResult,
  StagedFiles,
  Warehouse,
  WarehouseRow,
  WarehouseSession,
  WarehouseValue,
} from '../../lambdas/shared/ports/warehouse.js';

/**
 * throw: this call fails; hang: this call never settles; die: this and every later call fail;
 * delay: this call goes through, late (an invocation that outlives its timeout and still writes).
 */
export type FaultEffect = 'throw' | 'hang' | 'die' | 'delay';

/** How late a `delay` fault lets its call through. */
export const FAULT_DELAY_MS = 600;

export interface Fault<Operation extends string> {
  readonly operation: Operation;
  /** 1-based: which call of the operation (counting only the calls `matching` accepts) fails. */
  readonly at: number;
  /** The calls that count, by key (store) or SQL text / source file (warehouse). Default: all. */
  readonly matching?: (subject: string) => boolean;
  /** @default 'throw' */
  readonly effect?: FaultEffect;
}

/** The error every injected fault raises, so a test can tell it from a real one. */
export class InjectedFault extends Error {
  constructor(message: string) {
    super(`injected: ${message}`);
    this.name = 'InjectedFault';
  }
}

/** Counts calls per operation and decides, before each one, whether it fails. */
class FaultPlan<Operation extends string> {
  readonly calls = new Map<Operation, number>();
  injected = 0;
  private readonly seen = new Map<Fault<Operation>, number>();
  private dead = false;

  constructor(private readonly faults: readonly Fault<Operation>[]) {}

  /** Resolves when the call may proceed; rejects, or never settles, when it is the one that fails. */
  async before(operation: Operation, subject: string): Promise<void> {
    this.calls.set(operation, (this.calls.get(operation) ?? 0) + 1);
    if (this.dead) throw new InjectedFault(`${operation} ${subject} after the adapter died`);
    for (const fault of this.faults) {
      if (fault.operation !== operation || !(fault.matching?.(subject) ?? true)) continue;
      const count = (this.seen.get(fault) ?? 0) + 1;
      this.seen.set(fault, count);
      if (count !== fault.at) continue;
      this.injected++;
      const effect = fault.effect ?? 'throw';
      if (effect === 'delay') return new Promise((resolve) => setTimeout(resolve, FAULT_DELAY_MS));
      if (effect === 'hang') await new Promise<never>(() => undefined);
      if (effect === 'die') this.dead = true;
      throw new InjectedFault(`${operation} #${count} ${subject}`);
    }
  }
}

/** An object store that fails where its faults say and passes everything else to `inner`. */
export class FaultyStore implements ObjectStore {
  private readonly plan: FaultPlan<'put' | 'get' | 'list'>;

  constructor(
    private readonly inner: ObjectStore,
    faults: readonly Fault<'put' | 'get' | 'list'>[] = [],
  ) {
    this.plan = new FaultPlan(faults);
  }

  /** Calls made so far, per operation. */
  calls(operation: 'put' | 'get' | 'list'): number {
    return this.plan.calls.get(operation) ?? 0;
  }

  get injected(): number {
    return this.plan.injected;
  }

  async put(key: string, body: Uint8Array, contentType: string): Promise<void> {
    await this.plan.before('put', key);
    await this.inner.put(key, body, contentType);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    await this.plan.before('get', key);
    return this.inner.get(key);
  }

  async list(prefix: string): Promise<StoredObject[]> {
    await this.plan.before('list', prefix);
    return this.inner.list(prefix);
  }
}

export type WarehouseOperation = 'execute' | 'query' | 'load';

/**
 * A warehouse that fails where its faults say, inside transactions too (a failed statement rolls
 * its transaction back, as a dropped Snowflake session or a failed COPY would).
 */
export class FaultyWarehouse implements Warehouse {
  private readonly plan: FaultPlan<WarehouseOperation>;

  constructor(
    private readonly inner: Warehouse,
    faults: readonly Fault<WarehouseOperation>[] = [],
  ) {
    this.plan = new FaultPlan(faults);
  }

  get dialect(): Warehouse['dialect'] {
    return this.inner.dialect;
  }

  get columnTypes(): Warehouse['columnTypes'] {
    return this.inner.columnTypes;
  }

  calls(operation: WarehouseOperation): number {
    return this.plan.calls.get(operation) ?? 0;
  }

  get injected(): number {
    return this.plan.injected;
  }

  execute(sql: string, params?: readonly WarehouseValue[]): Promise<number> {
    return this.guarded(this.inner).execute(sql, params);
  }

  query<Row extends WarehouseRow = WarehouseRow>(sql: string, params?: readonly WarehouseValue[]): Promise<Row[]> {
    return this.guarded(this.inner).query<Row>(sql, params);
  }

  load(request: LoadRequest): Promise<LoadResult> {
    return this.guarded(this.inner).load(request);
  }

  transaction<T>(work: (session: WarehouseSession) => Promise<T>): Promise<T> {
    return this.inner.transaction((session) => work(this.guarded(session)));
  }

  loadStaged(staged: StagedFiles, only?: readonly string[]): Promise<ReadonlyMap<string, LoadResult>> {
    return this.guarded(this.inner).loadStaged(staged, only);
  }

  /** Staging (Snowflake's PUT) and unstaging (REMOVE) are steps of a load: they fail as `load` calls. */
  async stage(request: FilesLoadRequest): Promise<StagedFiles> {
    await this.plan.before('load', request.files.map((file) => file.sourceFile).join(','));
    return this.inner.stage(request);
  }

  async unstage(staged: StagedFiles): Promise<void> {
    await this.plan.before('load', staged.location);
    return this.inner.unstage(staged);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private guarded(session: WarehouseSession): WarehouseSession {
    return {
      execute: async (sql, params) => {
        await this.plan.before('execute', sql);
        return session.execute(sql, params);
      },
      query: async <Row extends WarehouseRow = WarehouseRow>(sql: string, params?: readonly WarehouseValue[]): Promise<Row[]> => {
        await this.plan.before('query', sql);
        return session.query<Row>(sql, params);
      },
      load: async (request) => {
        await this.plan.before('load', request.sourceFile);
        return session.load(request);
      },
      loadStaged: async (staged, only) => {
        await this.plan.before('load', (only ?? staged.request.files.map((file) => file.sourceFile)).join(','));
        return session.loadStaged(staged, only);
      },
    };
  }
}
