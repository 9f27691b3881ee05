// The consistent hashing ring. Its arithmetic is the Go contrib exporter's (CRC-32 of the key,
// 36000 positions, 100 positions per backend at CRC-32 of the endpoint followed by one byte 0 to
// 99, the first position at or after the key's, wrapping around), so that a tier mixing Go and
// denocol load balancers with the same backend list sends each trace to the same backend.

/** Positions on the ring: 360 degrees with two decimals. */
const RING_POSITIONS = 36_000;
/** Positions each backend takes; keys then spread over backends within a few per cent. */
const POSITIONS_PER_BACKEND = 100;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE) state after `bytes`, continuing from `state` (start with `0xffffffff`). */
function crcUpdate(state: number, bytes: Uint8Array): number {
  let c = state;
  for (let i = 0; i < bytes.length; i++) {
    c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  }
  return c;
}

/** CRC-32 (IEEE) of `bytes`, as Go's `crc32.ChecksumIEEE`. */
export function crc32(bytes: Uint8Array): number {
  return (crcUpdate(0xffffffff, bytes) ^ 0xffffffff) >>> 0;
}

const encoder = new TextEncoder();

/**
 * An immutable consistent hashing ring over backend endpoints: each endpoint takes 100 positions
 * out of 36000, and a key belongs to the endpoint of the first position at or after its own.
 * Removing an endpoint therefore moves only the keys it owned, and adding one takes keys only
 * for itself.
 */
export class HashRing {
  /** The endpoints, sorted, without duplicates. */
  readonly endpoints: readonly string[];
  readonly #positions: Uint32Array;
  readonly #owners: string[];

  /** Builds the ring of `endpoints` (order and duplicates do not matter). */
  constructor(endpoints: Iterable<string>) {
    this.endpoints = [...new Set(endpoints)].sort();
    const taken = new Map<number, string>();
    for (const endpoint of this.endpoints) {
      const prefix = crcUpdate(0xffffffff, encoder.encode(endpoint));
      for (let point = 0; point < POSITIONS_PER_BACKEND; point++) {
        const position = ((crcUpdate(prefix, Uint8Array.of(point)) ^ 0xffffffff) >>> 0) %
          RING_POSITIONS;
        // A position two endpoints hash to stays with the first in sorted order, so that the
        // ring does not depend on the order the resolver listed them in.
        if (!taken.has(position)) taken.set(position, endpoint);
      }
    }
    const sorted = [...taken.entries()].sort((a, b) => a[0] - b[0]);
    this.#positions = Uint32Array.from(sorted, ([position]) => position);
    this.#owners = sorted.map(([, endpoint]) => endpoint);
  }

  /** Number of endpoints. */
  get size(): number {
    return this.endpoints.length;
  }

  /** The endpoint owning `key` (raw bytes such as a trace ID, or text); `undefined` when empty. */
  endpointFor(key: Uint8Array | string): string | undefined {
    const positions = this.#positions;
    if (positions.length === 0) return undefined;
    const bytes = typeof key === "string" ? encoder.encode(key) : key;
    const position = crc32(bytes) % RING_POSITIONS;
    let low = 0;
    let high = positions.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (positions[middle] < position) low = middle + 1;
      else high = middle;
    }
    return this.#owners[low === positions.length ? 0 : low];
  }

  /** Whether `other` has the same endpoints (and so routes every key alike). */
  equals(other: HashRing | undefined): boolean {
    return other !== undefined &&
      other.endpoints.length === this.endpoints.length &&
      other.endpoints.every((endpoint, i) => endpoint === this.endpoints[i]);
  }
}
