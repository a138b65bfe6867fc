/**
 * Least-recently-used cache with in-flight de-duplication: concurrent requests for the same key
 * share one computation, and only successful results are stored.
 */
export class LruCache<V> {
  private readonly entries = new Map<string, V>();
  private readonly inflight = new Map<string, Promise<V>>();
  hits = 0;
  misses = 0;

  constructor(readonly maxEntries: number) {
    if (!(Number.isInteger(maxEntries) && maxEntries >= 0)) throw new RangeError(`maxEntries must be an integer ≥ 0, got ${maxEntries}`);
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      // Move to the most-recently-used end.
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    if (this.maxEntries === 0) return;
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  pending(key: string): Promise<V> | undefined {
    return this.inflight.get(key);
  }

  /** Returns the cached value, joins an in-flight computation, or starts `compute`. */
  async getOrCompute(key: string, compute: () => Promise<V>): Promise<V> {
    const cached = this.get(key);
    if (cached !== undefined) {
      this.hits++;
      return cached;
    }
    const running = this.inflight.get(key);
    if (running) {
      this.hits++;
      return running;
    }
    this.misses++;
    const promise = compute().then(
      (value) => {
        this.inflight.delete(key);
        this.set(key, value);
        return value;
      },
      (error: unknown) => {
        this.inflight.delete(key);
        throw error;
      },
    );
    this.inflight.set(key, promise);
    return promise;
  }

  /** Registers externally computed in-flight values (batch computations fill many keys at once). */
  track(key: string, promise: Promise<V>): void {
    this.inflight.set(key, promise);
    promise.then(
      (value) => {
        if (this.inflight.get(key) === promise) this.inflight.delete(key);
        this.set(key, value);
      },
      () => {
        if (this.inflight.get(key) === promise) this.inflight.delete(key);
      },
    );
  }
}
