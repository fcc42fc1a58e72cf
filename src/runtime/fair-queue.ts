// A queue that takes turns between keys (tenants): each key's items leave in their order, and the keys
// with items waiting take one turn each, round robin. One tenant's burst of uploads then costs another
// tenant at most one compile of waiting, not the whole burst.

export class FairQueue<T> {
  /** Items to serve before any key's (a job sent again after its worker died under it). */
  readonly #front: T[] = [];
  /** Each key with items waiting, in turn order (a Map keeps insertion order). */
  readonly #byKey = new Map<string, T[]>();

  get size(): number {
    let n = this.#front.length;
    for (const items of this.#byKey.values()) n += items.length;
    return n;
  }

  /** Adds `item` behind the items of its `key`; a new key takes its turn after the keys already waiting. */
  push(key: string, item: T): void {
    const items = this.#byKey.get(key);
    if (items) items.push(item);
    else this.#byKey.set(key, [item]);
  }

  /** Puts `item` before every other (a retry keeps its place). */
  unshift(item: T): void {
    this.#front.unshift(item);
  }

  /** The next item: the front ones, else the first of the key whose turn it is (which then goes last). */
  shift(): T | undefined {
    const front = this.#front.shift();
    if (front !== undefined) return front;
    for (const [key, items] of this.#byKey) {
      const item = items.shift();
      this.#byKey.delete(key);
      if (items.length > 0) this.#byKey.set(key, items);
      return item;
    }
    return undefined;
  }

  /** Removes and returns every item. */
  drain(): T[] {
    const all = [...this.#front.splice(0)];
    for (const items of this.#byKey.values()) all.push(...items);
    this.#byKey.clear();
    return all;
  }
}
