import assert from "node:assert/strict";
import { type Config, createDefaultConfig, resolveConfig, validateConfig } from "./config.ts";

function withConfig(overrides: Partial<Config>): Config {
  return { ...createDefaultConfig(), ...overrides };
}

Deno.test("batch config: defaults are those of the Go collector", () => {
  assert.deepEqual(createDefaultConfig(), {
    timeout: "200ms",
    send_batch_size: 8192,
    send_batch_max_size: 0,
    metadata_keys: [],
    metadata_cardinality_limit: 1000,
  });
  assert.deepEqual(resolveConfig(createDefaultConfig()), {
    timeoutMs: 200,
    sendBatchSize: 8192,
    sendBatchMaxSize: 0,
    metadataKeys: [],
    metadataCardinalityLimit: 1000,
  });
});

Deno.test("batch config: timeout accepts Go durations and milliseconds", () => {
  assert.equal(resolveConfig(withConfig({ timeout: "1m30s" })).timeoutMs, 90_000);
  assert.equal(resolveConfig(withConfig({ timeout: "1.5s" })).timeoutMs, 1500);
  assert.equal(resolveConfig(withConfig({ timeout: "0" })).timeoutMs, 0);
  assert.equal(resolveConfig(withConfig({ timeout: 250 })).timeoutMs, 250);
  assert.throws(() => validateConfig(withConfig({ timeout: "-1s" })), /timeout: must be greater/);
  assert.throws(() => validateConfig(withConfig({ timeout: "5 seconds" })), /timeout: invalid/);
});

Deno.test("batch config: send_batch_max_size below send_batch_size is an error", () => {
  assert.throws(
    () => validateConfig(withConfig({ send_batch_size: 100, send_batch_max_size: 99 })),
    /send_batch_max_size \(99\) must be greater than or equal to send_batch_size \(100\)/,
  );
  validateConfig(withConfig({ send_batch_size: 100, send_batch_max_size: 100 }));
  validateConfig(withConfig({ send_batch_size: 100, send_batch_max_size: 0 }));
});

Deno.test("batch config: sizes must be non-negative integers", () => {
  assert.throws(() => validateConfig(withConfig({ send_batch_size: -1 })), /send_batch_size/);
  assert.throws(() => validateConfig(withConfig({ send_batch_max_size: 1.5 })), /send_batch_max/);
  assert.throws(
    () => validateConfig(withConfig({ metadata_cardinality_limit: "x" as unknown as number })),
    /metadata_cardinality_limit: expected a non-negative integer/,
  );
});

Deno.test("batch config: metadata_keys are case-insensitive and must be unique", () => {
  assert.deepEqual(
    resolveConfig(withConfig({ metadata_keys: ["X-Tenant", "authorization"] })).metadataKeys,
    ["authorization", "x-tenant"],
  );
  assert.throws(
    () => validateConfig(withConfig({ metadata_keys: ["X-Tenant", "x-tenant"] })),
    /metadata_keys: duplicate entry "x-tenant"/,
  );
  assert.throws(
    () => validateConfig(withConfig({ metadata_keys: [""] })),
    /metadata_keys\[0\]: expected a non-empty string/,
  );
});
