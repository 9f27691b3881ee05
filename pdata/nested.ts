// The three levels every OTLP signal shares (resource groups, scope groups, items), and the one
// count, split and merge the stable signals' descriptors are built from.

/**
 * The three levels OTLP data shares across signals (resource groups, scope groups, items), as
 * {@link splitNested} and {@link mergeNested} see them.
 *
 * @typeParam T the data (such as `TracesData`)
 * @typeParam R a resource group (such as `ResourceSpans`)
 * @typeParam S a scope group (such as `ScopeSpans`)
 * @typeParam I an item (such as `Span`, or `Metric` whose size is its data point count)
 */
export interface NestedLayout<T, R, S, I> {
  /** The resource groups of the data. */
  resources(data: T): R[];
  /** The scope groups of a resource group. */
  scopes(resource: R): S[];
  /** The items of a scope group. */
  items(scope: S): I[];
  /** New data holding these resource groups. */
  newData(resources: R[]): T;
  /** A copy of a resource group's own fields (resource, schema URL) with no scope groups. */
  copyResource(resource: R): R;
  /** A copy of a scope group's own fields (scope, schema URL) with no items. */
  copyScope(scope: S): S;
  /** How many counted items an item holds; 1 when absent. */
  itemSize?(item: I): number;
  /** The part of an item holding its counted items `[start, end)`; needed when sizes exceed 1. */
  sliceItem?(item: I, start: number, end: number): I;
}

/**
 * How many counted items `data` holds: items of every scope group, each weighing
 * {@link NestedLayout.itemSize} (1 when absent).
 *
 * @param layout how to reach the levels
 * @param data the data to count
 */
export function countNested<T, R, S, I>(layout: NestedLayout<T, R, S, I>, data: T): number {
  let count = 0;
  for (const resource of layout.resources(data)) {
    for (const scope of layout.scopes(resource)) {
      const items = layout.items(scope);
      if (layout.itemSize === undefined) count += items.length;
      else for (const item of items) count += layout.itemSize(item);
    }
  }
  return count;
}

/**
 * Splits nested data into chunks of at most `maxItems` counted items. Resource and scope groups
 * are copied into every chunk that holds some of their items; items themselves are moved, except
 * that an item larger than the room left is cut with `sliceItem`. Empty groups are kept, in the
 * chunk being filled when they are met.
 *
 * @param layout how to reach and copy the levels
 * @param data the data to split; its items move into the chunks
 * @param maxItems the largest number of counted items per chunk, at least 1
 */
export function splitNested<T, R, S, I>(
  layout: NestedLayout<T, R, S, I>,
  data: T,
  maxItems: number,
): T[] {
  const chunks: T[] = [];
  let resources: R[] = [];
  let count = 0;
  let resourceCopy: R | undefined;
  let scopeCopy: S | undefined;
  const flush = () => {
    chunks.push(layout.newData(resources));
    resources = [];
    count = 0;
    resourceCopy = undefined;
    scopeCopy = undefined;
  };
  for (const resource of layout.resources(data)) {
    resourceCopy = undefined;
    const ensureResource = (): R => {
      if (resourceCopy === undefined) {
        resourceCopy = layout.copyResource(resource);
        resources.push(resourceCopy);
      }
      return resourceCopy;
    };
    for (const scope of layout.scopes(resource)) {
      scopeCopy = undefined;
      const ensureScope = (): S => {
        if (scopeCopy === undefined) {
          scopeCopy = layout.copyScope(scope);
          layout.scopes(ensureResource()).push(scopeCopy);
        }
        return scopeCopy;
      };
      const items = layout.items(scope);
      if (items.length === 0) ensureScope();
      for (const item of items) {
        const size = layout.itemSize ? layout.itemSize(item) : 1;
        if (size === 0) {
          layout.items(ensureScope()).push(item);
          continue;
        }
        let offset = 0;
        while (offset < size) {
          if (count >= maxItems) flush();
          const take = Math.min(size - offset, maxItems - count);
          const piece = offset === 0 && take === size
            ? item
            : layout.sliceItem!(item, offset, offset + take);
          layout.items(ensureScope()).push(piece);
          count += take;
          offset += take;
        }
      }
    }
    if (layout.scopes(resource).length === 0) ensureResource();
  }
  if (resources.length > 0 || chunks.length === 0) flush();
  return chunks;
}

/**
 * Merges nested data by concatenating the resource groups of every part, in order. The groups
 * are moved, not copied.
 *
 * @param layout how to reach the levels
 * @param parts the data to merge
 */
export function mergeNested<T, R, S, I>(
  layout: NestedLayout<T, R, S, I>,
  parts: readonly T[],
): T {
  const resources: R[] = [];
  for (const part of parts) {
    for (const resource of layout.resources(part)) resources.push(resource);
  }
  return layout.newData(resources);
}
