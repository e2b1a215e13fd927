/**
 * Loads of a list's items, handed out in the list's order, each started before the caller reaches
 * it: while the caller works on one item on the main thread, the next `depth - 1` are read (and,
 * say, gunzipped) on libuv's thread pool, i.e. on the other core. At most `depth` loaded items are
 * held at once, so memory stays flat however long the list; a caller that stops early starts no more.
 */
export function* readAhead<T, R>(items: readonly T[], depth: number, load: (item: T) => Promise<R>): Generator<{ item: T; loaded: Promise<R> }> {
  const inFlight: Promise<R>[] = [];
  const start = (index: number): void => {
    if (index >= items.length) return;
    const loaded = load(items[index]!);
    // A load that fails while an earlier item is still being worked on is no unhandled rejection:
    // the caller meets its error when it reaches the item, in order, as it would without read-ahead.
    loaded.catch(() => undefined);
    inFlight.push(loaded);
  };
  for (let index = 0; index < depth; index++) start(index);
  for (let index = 0; index < items.length; index++) {
    yield { item: items[index]!, loaded: inFlight.shift()! };
    start(index + depth);
  }
}
