import assert from "node:assert/strict";
import { listenAddress, parseEndpoint } from "./mod.ts";

Deno.test("parseEndpoint splits host names, IPv4 and bracketed IPv6 addresses from the port", () => {
  assert.deepEqual(parseEndpoint("localhost:4317"), { hostname: "localhost", port: 4317 });
  assert.deepEqual(parseEndpoint("127.0.0.1:0"), { hostname: "127.0.0.1", port: 0 });
  assert.deepEqual(parseEndpoint("[::1]:8888"), { hostname: "::1", port: 8888 });
  assert.deepEqual(parseEndpoint("otel_collector-1.local:65535"), {
    hostname: "otel_collector-1.local",
    port: 65535,
  });
  assert.deepEqual(parseEndpoint(":4318"), { hostname: "", port: 4318 });
});

Deno.test("parseEndpoint refuses what is not host:port, naming the config path", () => {
  for (const text of ["collector", "::1:4317", "host:port", "a b:1", " host:1", "h:4317/x", ""]) {
    assert.throws(
      () => parseEndpoint(text, "receivers::otlp::protocols::grpc::endpoint"),
      (error: Error) =>
        error instanceof TypeError &&
        error.message ===
          `receivers::otlp::protocols::grpc::endpoint: expected host:port, got ${
            JSON.stringify(text)
          }`,
      text,
    );
  }
  assert.throws(() => parseEndpoint("localhost:65536"), /endpoint: .*port from 0 to 65535/);
  assert.throws(() => parseEndpoint("user@host:1"), /expected host:port/);
});

Deno.test("listenAddress takes no host as every interface", () => {
  assert.deepEqual(listenAddress(":4317"), { hostname: "0.0.0.0", port: 4317 });
  assert.deepEqual(listenAddress("[::]:0"), { hostname: "::", port: 0 });
  assert.throws(() => listenAddress("4317", "service::telemetry::metrics"), /^TypeError: service/);
});
