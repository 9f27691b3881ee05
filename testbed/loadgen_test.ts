// The generator against the mock backend directly, on loopback: the harness must itself lose
// nothing, retry what is retryable, count what is refused, and detect what it claims to detect.

import assert from "node:assert/strict";
import { create } from "@bufbuild/protobuf";
import { AnyValueSchema } from "@denocol/pdata";
import { MockBackend } from "./backend.ts";
import { checkLoopback, parseDurationMs, runLoad } from "./loadgen.ts";
import { SeqState, SeqStates } from "./seqset.ts";
import { SIGNALS, TESTBED_SIGNALS } from "./signals.ts";

Deno.test("every signal over both protocols arrives once and intact", async () => {
  const backend = await MockBackend.start();
  try {
    for (const signal of SIGNALS) {
      for (const protocol of ["grpc", "http"] as const) {
        const result = await runLoad({
          signal,
          protocol,
          endpoint: protocol === "grpc" ? backend.grpcEndpoint : backend.httpEndpoint,
          maxItems: 1050,
          itemsPerRequest: 100,
          clients: 3,
          durationMs: 20_000,
        });
        const what = `${signal} over ${protocol}`;
        assert.equal(result.sent, 1050, what);
        assert.equal(result.accepted, 1050, what);
        assert.equal(result.requests, 11, what);
        const report = backend.report(signal, result.states);
        assert.deepEqual(
          { ...report, problems: undefined },
          {
            received: 1050,
            unique: 1050,
            duplicates: 0,
            missing: 0,
            unexpected: 0,
            integrityErrors: 0,
            problems: undefined,
          },
          `${what}: ${report.problems.join("; ")}`,
        );
        backend.reset();
      }
    }
  } finally {
    await backend.close();
  }
});

Deno.test("503 / Unavailable and a backend that is down are retried, not lost", async () => {
  const backend = await MockBackend.start();
  try {
    for (const protocol of ["grpc", "http"] as const) {
      backend.setBehavior({ mode: "fail" });
      backend.runSchedule([{ atMs: 300, action: { mode: "ok" } }]);
      const failing = await runLoad({
        signal: "logs",
        protocol,
        endpoint: protocol === "grpc" ? backend.grpcEndpoint : backend.httpEndpoint,
        maxItems: 400,
        durationMs: 10_000,
        clients: 2,
      });
      assert.equal(failing.accepted, 400);
      const reason = protocol === "grpc" ? "grpc Unavailable" : "http 503";
      assert.ok((failing.retries[reason] ?? 0) > 0, JSON.stringify(failing.retries));
      assert.equal(backend.report("logs", failing.states).missing, 0);
      assert.ok(backend.failedRequests.logs > 0);
      backend.reset();

      await backend.down();
      const endpoint = protocol === "grpc" ? backend.grpcEndpoint : backend.httpEndpoint;
      backend.runSchedule([{ atMs: 400, action: "up" }]);
      const down = await runLoad({
        signal: "traces",
        protocol,
        endpoint,
        maxItems: 300,
        durationMs: 10_000,
        clients: 2,
        firstSeq: 5000,
      });
      assert.equal(down.accepted, 300);
      assert.ok(Object.keys(down.retries).length > 0, "connection failures were retried");
      const report = backend.report("traces", down.states);
      assert.equal(report.missing, 0);
      assert.equal(report.unique, 300);
      backend.reset();
    }
  } finally {
    await backend.close();
  }
});

Deno.test("hooks: onAcknowledged per acknowledged request, onRetry per retry; stop ends the run but retries go on", async () => {
  const backend = await MockBackend.start();
  try {
    for (const protocol of ["grpc", "http"] as const) {
      const acknowledged: [number, number][] = [];
      const retried: string[] = [];
      const stop = new AbortController();
      backend.setBehavior({ mode: "fail" });
      // The backend fails until after the stop, so each client's first request is still being
      // retried then: it must be retried to the end, and nothing new may start.
      const timer = setTimeout(() => {
        stop.abort();
        setTimeout(() => backend.setBehavior({ mode: "ok" }), 300);
      }, 300);
      const result = await runLoad({
        signal: "logs",
        protocol,
        endpoint: protocol === "grpc" ? backend.grpcEndpoint : backend.httpEndpoint,
        maxItems: 100_000,
        durationMs: 30_000,
        clients: 2,
        stop: stop.signal,
        onAcknowledged: (seq, count) => acknowledged.push([seq, count]),
        onRetry: (reason) => retried.push(reason),
      });
      clearTimeout(timer);
      const reason = protocol === "grpc" ? "grpc Unavailable" : "http 503";
      assert.ok(retried.length > 0 && retried.every((r) => r === reason), retried.join());
      assert.equal(retried.length, result.retries[reason]);
      assert.equal(result.sent, 200, "one request per client, none after the stop");
      assert.equal(result.accepted, 200, "the requests in flight at the stop were retried");
      assert.deepEqual(acknowledged.sort((a, b) => a[0] - b[0]), [[0, 100], [100, 100]]);
      assert.equal(backend.report("logs", result.states).missing, 0);
      backend.reset();
    }
  } finally {
    await backend.close();
  }
});

Deno.test("permanent refusals are counted, not retried", async () => {
  const backend = await MockBackend.start();
  try {
    backend.setBehavior({ mode: "refuse" });
    for (const protocol of ["grpc", "http"] as const) {
      const result = await runLoad({
        signal: "profiles",
        protocol,
        endpoint: protocol === "grpc" ? backend.grpcEndpoint : backend.httpEndpoint,
        maxItems: 250,
        durationMs: 10_000,
        clients: 1,
      });
      assert.equal(result.refused, 250);
      assert.equal(result.accepted, 0);
      assert.deepEqual(result.retries, {});
      const reason = protocol === "grpc" ? "grpc InvalidArgument" : "http 400";
      assert.deepEqual(result.refusals, { [reason]: 3 });
    }
    assert.equal(backend.received("profiles"), 0);
  } finally {
    await backend.close();
  }
});

Deno.test("the backend answers an undecodable request with 400", async () => {
  const backend = await MockBackend.start();
  try {
    const response = await fetch(`http://${backend.httpEndpoint}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/x-protobuf" },
      body: new Uint8Array([0x0a, 0xff, 0xff, 0xff]),
    });
    await response.body?.cancel();
    assert.equal(response.status, 400);
  } finally {
    await backend.close();
  }
});

Deno.test("the backend detects a changed attribute, a missing item and an unsent one", async () => {
  const backend = await MockBackend.start();
  try {
    const signal = TESTBED_SIGNALS.logs;
    // deno-lint-ignore no-explicit-any
    const request = signal.build(0, 3) as any;
    const records = request.resourceLogs[0].scopeLogs[0].logRecords;
    records[1].attributes[1].value = create(AnyValueSchema, {
      value: { case: "stringValue", value: "tampered" },
    });
    records.pop(); // seq 2 is dropped on the way
    const response = await fetch(`http://${backend.httpEndpoint}/v1/logs`, {
      method: "POST",
      headers: { "content-type": "application/x-protobuf" },
      body: signal.encode(request) as BufferSource,
    });
    await response.body?.cancel();
    assert.equal(response.status, 200);
    const states = new SeqStates(0, 3);
    states.mark(0, 1, SeqState.Accepted);
    states.mark(2, 1, SeqState.Accepted);
    // seq 1 stays Unsent, as if the generator had never sent it.
    const report = backend.report("logs", states);
    assert.equal(report.received, 2);
    assert.equal(report.integrityErrors, 1);
    assert.match(report.problems[0], /seq 1: attribute testbed\.text is tampered/);
    assert.equal(report.missing, 1);
    assert.equal(report.unexpected, 1);
  } finally {
    await backend.close();
  }
});

Deno.test("a fixed rate spaces requests over the duration and stops at it", async () => {
  const backend = await MockBackend.start();
  try {
    const started = performance.now();
    const result = await runLoad({
      signal: "metrics",
      protocol: "http",
      endpoint: backend.httpEndpoint,
      maxItems: 1_000_000,
      rate: 2000,
      itemsPerRequest: 100,
      durationMs: 600,
    });
    const elapsed = performance.now() - started;
    // 2000 items/s for 0.6 s: requests due at 0, 50, ..., 550 ms.
    assert.equal(result.sent, 1200);
    assert.ok(elapsed >= 550, `finished after ${elapsed} ms`);
    assert.equal(backend.report("metrics", result.states).missing, 0);
  } finally {
    await backend.close();
  }
});

Deno.test("only loopback endpoints and valid durations are accepted", () => {
  assert.throws(() => checkLoopback("10.0.0.1:4317"), /must be host:port on loopback/);
  assert.throws(() => checkLoopback("example.com:80"), /loopback/);
  checkLoopback("127.0.0.1:4317");
  checkLoopback("localhost:1");
  assert.equal(parseDurationMs("2s"), 2000);
  assert.equal(parseDurationMs("250ms"), 250);
  assert.equal(parseDurationMs("1m"), 60_000);
  assert.throws(() => parseDurationMs("soon"), /invalid duration/);
});

Deno.test("a reused request and a counting backend agree on item counts", async () => {
  const backend = await MockBackend.start({ countOnly: true });
  try {
    for (const signal of SIGNALS) {
      for (const protocol of ["grpc", "http"] as const) {
        const result = await runLoad({
          signal,
          protocol,
          endpoint: protocol === "grpc" ? backend.grpcEndpoint : backend.httpEndpoint,
          maxItems: 730,
          itemsPerRequest: 100,
          durationMs: 10_000,
          reuseRequest: true,
          gzip: protocol === "http",
        });
        assert.equal(result.accepted, 730, `${signal}/${protocol}`);
      }
      assert.equal(backend.received(signal), 1460, signal);
    }
  } finally {
    await backend.close();
  }
});

Deno.test("SeqStates: counts each state, the numbers never marked as unsent", () => {
  const states = new SeqStates(100, 1_000_000);
  states.mark(100, 10, SeqState.Accepted);
  states.mark(110, 5, SeqState.Refused);
  states.mark(130, 20, SeqState.Unknown);
  states.mark(140, 10, SeqState.Accepted);
  assert.equal(states.count(SeqState.Accepted), 20);
  assert.equal(states.count(SeqState.Refused), 5);
  assert.equal(states.count(SeqState.Unknown), 10);
  assert.equal(states.count(SeqState.Unsent), 1_000_000 - 35);
});
