import assert from "node:assert/strict";
import { seededRandom } from "@denocol/pdata/pdatatest";
import { crc32, HashRing } from "./ring.ts";

const encoder = new TextEncoder();

function traceIds(count: number, seed: number): Uint8Array[] {
  const random = seededRandom(seed);
  return Array.from(
    { length: count },
    () => Uint8Array.from({ length: 16 }, () => Math.floor(random() * 256)),
  );
}

function owners(ring: HashRing, keys: readonly Uint8Array[]): string[] {
  return keys.map((key) => ring.endpointFor(key)!);
}

function shares(endpoints: readonly string[], owned: readonly string[]): Map<string, number> {
  const counts = new Map(endpoints.map((endpoint) => [endpoint, 0]));
  for (const owner of owned) counts.set(owner, counts.get(owner)! + 1);
  return new Map([...counts].map(([endpoint, n]) => [endpoint, n / owned.length]));
}

const BACKENDS = ["10.0.0.1:4317", "10.0.0.2:4317", "10.0.0.3:4317", "10.0.0.4:4317"];
const KEYS = traceIds(40_000, 7);

Deno.test("ring: CRC-32 is the IEEE checksum Go's hash/crc32 computes", () => {
  assert.equal(crc32(encoder.encode("123456789")), 0xcbf43926);
  assert.equal(crc32(new Uint8Array()), 0);
  assert.equal(crc32(encoder.encode("The quick brown fox jumps over the lazy dog")), 0x414fa339);
});

Deno.test("ring: keys spread over the backends within a few per cent of an even share", () => {
  const ring = new HashRing(BACKENDS);
  for (const [endpoint, share] of shares(BACKENDS, owners(ring, KEYS))) {
    // An even share is 25%; a ring with few positions per backend misses by far more.
    assert.ok(Math.abs(share - 0.25) < 0.06, `${endpoint} owns ${(share * 100).toFixed(1)}%`);
  }
});

Deno.test("ring: removing a backend moves only the keys it owned", () => {
  const before = owners(new HashRing(BACKENDS), KEYS);
  const removed = BACKENDS[2];
  const after = owners(new HashRing(BACKENDS.filter((b) => b !== removed)), KEYS);
  let moved = 0;
  for (let i = 0; i < KEYS.length; i++) {
    if (before[i] === removed) {
      assert.notEqual(after[i], removed);
      moved++;
    } else {
      assert.equal(after[i], before[i], `key ${i} moved from ${before[i]} to ${after[i]}`);
    }
  }
  // The removed backend's share, and it goes to more than one of the others.
  assert.ok(moved > KEYS.length * 0.15 && moved < KEYS.length * 0.35, `${moved} keys moved`);
  const heirs = new Set(after.filter((_, i) => before[i] === removed));
  assert.equal(heirs.size, 3);
});

Deno.test("ring: adding a backend takes keys only for itself", () => {
  const before = owners(new HashRing(BACKENDS), KEYS);
  const added = "10.0.0.5:4317";
  const after = owners(new HashRing([...BACKENDS, added]), KEYS);
  let taken = 0;
  for (let i = 0; i < KEYS.length; i++) {
    if (after[i] === added) taken++;
    else assert.equal(after[i], before[i]);
  }
  assert.ok(taken > KEYS.length * 0.12 && taken < KEYS.length * 0.28, `${taken} keys taken`);
});

Deno.test("ring: the order and repetition of endpoints do not matter; text keys work", () => {
  const ring = new HashRing(BACKENDS);
  const shuffled = new HashRing([BACKENDS[3], BACKENDS[1], BACKENDS[0], BACKENDS[2], BACKENDS[1]]);
  assert.ok(ring.equals(shuffled));
  assert.deepEqual(owners(ring, KEYS.slice(0, 2000)), owners(shuffled, KEYS.slice(0, 2000)));
  assert.equal(ring.endpointFor("svc-1"), ring.endpointFor(encoder.encode("svc-1")));
  assert.ok(!ring.equals(new HashRing(BACKENDS.slice(1))));
  assert.equal(new HashRing([]).endpointFor("x"), undefined);
  assert.equal(new HashRing(["only:4317"]).endpointFor("x"), "only:4317");
});
