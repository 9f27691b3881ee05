import assert from "node:assert/strict";
import { create } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import type { SharedHandle } from "@denocol/component";
import { nopHost, nopSettings } from "@denocol/component/componenttest";
import { SinkConsumer } from "@denocol/consumer/consumertest";
import { traces } from "@denocol/pdata";
import { type Profiles, profiles, ProfilesDataSchema } from "@denocol/pdata-experimental";
import {
  createDefaultConfig,
  defaultGrpcConfig,
  defaultHttpConfig,
  type OtlpReceiverConfig,
  unmarshalConfig,
} from "./config.ts";
import { validateConfig } from "./config_validate.ts";
import { createFactory, factory, TYPE } from "./factory.ts";
import type { OtlpReceiver } from "./receiver.ts";
import { logsSink, makeTraces, metricsSink, startReceiver, tracesSink } from "./test_helpers.ts";
import { call } from "./test_helpers.ts";

const PROFILES_PATH =
  "/opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export";

function loopbackConfig(): OtlpReceiverConfig {
  return {
    protocols: {
      grpc: { ...defaultGrpcConfig(), endpoint: "127.0.0.1:0" },
      http: { ...defaultHttpConfig(), endpoint: "127.0.0.1:0" },
    },
  };
}

/** A profile with `samples` samples, its strings in the dictionary. */
function makeProfiles(samples: number): Profiles {
  return create(ProfilesDataSchema, {
    dictionary: { stringTable: ["", "cpu", "nanoseconds"] },
    resourceProfiles: [{
      scopeProfiles: [{
        profiles: [{
          sampleType: { typeStrindex: 1, unitStrindex: 2 },
          samples: Array.from({ length: samples }, () => ({ values: [10n] })),
          timeUnixNano: 1n,
        }],
      }],
    }],
  });
}

Deno.test("otlp factory: type, default config, stabilities", () => {
  assert.equal(factory.type, TYPE);
  assert.equal(TYPE, "otlp");
  const config = factory.createDefaultConfig();
  assert.equal(config.protocols.grpc?.endpoint, "localhost:4317");
  assert.equal(config.protocols.http?.endpoint, "localhost:4318");
  assert.equal(config.protocols.http?.max_request_body_size, 20 * 1024 * 1024);
  assert.equal(config.protocols.grpc?.max_recv_msg_size_mib, 4);
  assert.equal(config.protocols.http?.traces_url_path, "/v1/traces");
  assert.equal(factory.tracesStability, "stable");
  assert.equal(factory.profilesStability, "development");
});

Deno.test("otlp factory: one receiver per ID, shared by every signal", async () => {
  const f = createFactory();
  const config = loopbackConfig();
  const settings = nopSettings("receiver", "otlp");
  const t = f.createTraces(settings, config, tracesSink()) as SharedHandle<OtlpReceiver>;
  const m = f.createMetrics(settings, config, metricsSink()) as SharedHandle<OtlpReceiver>;
  const l = f.createLogs(settings, config, logsSink()) as SharedHandle<OtlpReceiver>;
  assert.equal(t.shared, m.shared);
  assert.equal(m.shared, l.shared);
  const other = f.createTraces(nopSettings("receiver", "otlp/2"), config, tracesSink());
  assert.notEqual((other as SharedHandle<OtlpReceiver>).shared, t.shared);
  assert.deepEqual(t.shared.signals, ["traces", "metrics", "logs"]);
  assert.throws(
    () => f.createTraces(settings, config, tracesSink()),
    /traces is already wired/,
  );
  for (const handle of [t, m, l]) await handle.start(nopHost());
  const port = t.shared.httpAddress!.port;
  await t.shutdown();
  await m.shutdown();
  assert.equal(t.shared.httpAddress?.port, port, "the receiver serves until its last user stops");
  await l.shutdown();
  assert.equal(t.shared.httpAddress, undefined);
  await other.shutdown();
  // After shutdown the ID is free again: a new receiver is made.
  const again = f.createTraces(settings, config, tracesSink()) as SharedHandle<OtlpReceiver>;
  assert.notEqual(again.shared, t.shared);
  await again.shutdown();
});

Deno.test("otlp factory: profiles are served only when a profiles consumer is wired", async (t) => {
  await t.step("not wired: 404 and Unimplemented", async () => {
    await using r = await startReceiver({ traces: tracesSink() });
    const response = await fetch(`${r.httpUrl}/v1development/profiles`, {
      method: "POST",
      body: profiles.encodeProto(makeProfiles(1)) as BodyInit,
      headers: { "content-type": "application/x-protobuf" },
    });
    assert.equal(response.status, 404);
    await response.body?.cancel();
    const client = new grpc.Client(r.grpcTarget, grpc.credentials.createInsecure());
    try {
      const result = await call(client, PROFILES_PATH, profiles.encodeProto(makeProfiles(1)));
      assert.equal(result.error?.code, grpc.status.UNIMPLEMENTED);
    } finally {
      client.close();
    }
  });
  await t.step("wired: HTTP (protobuf, JSON) and gRPC", async () => {
    const sink = new SinkConsumer<Profiles>({ countItems: (d) => profiles.count(d) });
    await using r = await startReceiver({ profiles: sink });
    let response = await fetch(`${r.httpUrl}/v1development/profiles`, {
      method: "POST",
      body: profiles.encodeProto(makeProfiles(2)) as BodyInit,
      headers: { "content-type": "application/x-protobuf" },
    });
    assert.equal(response.status, 200);
    await response.body?.cancel();
    response = await fetch(`${r.httpUrl}/v1development/profiles`, {
      method: "POST",
      body: profiles.encodeJson(makeProfiles(3)),
      headers: { "content-type": "application/json" },
    });
    assert.equal(response.status, 200);
    await response.body?.cancel();
    const client = new grpc.Client(r.grpcTarget, grpc.credentials.createInsecure());
    try {
      const result = await call(client, PROFILES_PATH, profiles.encodeProto(makeProfiles(4)));
      assert.equal(result.error, null);
      // A sample type pointing past the string table is malformed data.
      const dangling = makeProfiles(1);
      dangling.resourceProfiles[0].scopeProfiles[0].profiles[0].sampleType!.typeStrindex = 99;
      const bad = await call(client, PROFILES_PATH, profiles.encodeProto(dangling));
      assert.equal(bad.error?.code, grpc.status.INVALID_ARGUMENT);
      response = await fetch(`${r.httpUrl}/v1development/profiles`, {
        method: "POST",
        body: profiles.encodeProto(dangling) as BodyInit,
        headers: { "content-type": "application/x-protobuf" },
      });
      assert.equal(response.status, 400);
      await response.body?.cancel();
    } finally {
      client.close();
    }
    assert.equal(sink.count, 9);
    // Traces are not wired on this receiver.
    response = await fetch(`${r.httpUrl}/v1/traces`, {
      method: "POST",
      body: traces.encodeProto(makeTraces(1)) as BodyInit,
      headers: { "content-type": "application/x-protobuf" },
    });
    assert.equal(response.status, 404);
    await response.body?.cancel();
  });
});

Deno.test("otlp config: a present protocol is enabled with defaults, an absent one is off", () => {
  let config = unmarshalConfig({ protocols: { grpc: null } });
  assert.deepEqual(config.protocols.grpc, defaultGrpcConfig());
  assert.equal(config.protocols.http, null);
  validateConfig(config);

  config = unmarshalConfig({
    protocols: {
      http: {
        endpoint: "0.0.0.0:4318",
        traces_url_path: "custom/traces",
        cors: { allowed_origins: ["https://*.example.com"] },
        tls: { cert_file: "/c.pem", key_file: "/k.pem" },
      },
    },
  });
  assert.equal(config.protocols.grpc, null);
  assert.equal(config.protocols.http?.traces_url_path, "/custom/traces");
  assert.equal(config.protocols.http?.metrics_url_path, "/v1/metrics");
  assert.deepEqual(config.protocols.http?.cors, {
    allowed_origins: ["https://*.example.com"],
    allowed_headers: [],
    max_age: 0,
  });
  assert.equal(config.protocols.http?.tls?.cert_file, "/c.pem");
  assert.equal(config.protocols.http?.tls?.min_version, "1.2");
  validateConfig(config);

  assert.deepEqual(unmarshalConfig(createDefaultConfig()), createDefaultConfig());
});

Deno.test("otlp config: errors name the path and what was expected", () => {
  assert.throws(
    () => validateConfig(unmarshalConfig(null)),
    /otlp receiver: protocols: must specify at least one protocol/,
  );
  assert.throws(
    () => validateConfig(unmarshalConfig({ protocols: {} })),
    /must specify at least one protocol/,
  );
  assert.throws(
    () => unmarshalConfig({ protocols: { thrift: null } }),
    /protocols\.thrift: unknown protocol; valid protocols: grpc, http/,
  );
  assert.throws(
    () => unmarshalConfig({ protocols: { grpc: { endpont: "x:1" } } }),
    /protocols\.grpc\.endpont: unknown key; valid keys: endpoint/,
  );
  assert.throws(
    () => unmarshalConfig({ protocols: { http: { max_request_body_size: "big" } } }),
    /protocols\.http\.max_request_body_size: expected a number, got string "big"/,
  );
  assert.throws(
    () => validateConfig(unmarshalConfig({ protocols: { grpc: { endpoint: "localhost" } } })),
    /protocols\.grpc\.endpoint: expected host:port, got "localhost"/,
  );
  assert.throws(
    () =>
      validateConfig(unmarshalConfig({ protocols: { http: { tls: { cert_file: "/c.pem" } } } })),
    /protocols\.http\.tls\.key_file: expected exactly one of key_file and key_pem/,
  );
  assert.throws(
    () =>
      validateConfig(
        unmarshalConfig({ protocols: { http: { logs_url_path: "/v1/traces" } } }),
      ),
    /protocols\.http\.logs_url_path: the path "\/v1\/traces" is already used by traces_url_path/,
  );
  assert.throws(
    () => validateConfig(unmarshalConfig({ protocols: { grpc: { max_recv_msg_size_mib: 0 } } })),
    /max_recv_msg_size_mib: expected a positive number of MiB/,
  );
});

Deno.test("otlp receiver: an endpoint in use fails the start and releases the other server", async () => {
  await using first = await startReceiver({ traces: tracesSink() }, { grpc: null });
  const port = first.receiver.httpAddress!.port;
  const f = createFactory();
  const config = loopbackConfig();
  config.protocols.http!.endpoint = `127.0.0.1:${port}`;
  const receiver = f.createTraces(nopSettings("receiver", "otlp"), config, tracesSink());
  await assert.rejects(receiver.start(nopHost()), new RegExp(`127\\.0\\.0\\.1:${port}`));
  assert.equal((receiver as SharedHandle<OtlpReceiver>).shared.grpcAddress, undefined);
});

Deno.test("otlp receiver: tls errors carry the configPath of their key; empty versions are defaults", async () => {
  const tlsError = (tls: Record<string, unknown>) => {
    try {
      validateConfig(unmarshalConfig({ protocols: { grpc: { tls } } }));
    } catch (error) {
      return error as Error & { configPath?: string };
    }
    return undefined;
  };
  const missingKey = tlsError({ cert_file: "/c.pem" });
  assert.equal(missingKey?.configPath, "protocols.grpc.tls.key_file");
  const badVersion = tlsError({ cert_file: "/c.pem", key_file: "/k.pem", min_version: "1.1" });
  assert.equal(badVersion?.configPath, "protocols.grpc.tls.min_version");
  assert.match(badVersion!.message, /^otlp receiver: protocols\.grpc\.tls\.min_version: expected/);
  const bothCerts = tlsError({ cert_file: "/c.pem", cert_pem: "x", key_file: "/k.pem" });
  assert.equal(bothCerts?.configPath, "protocols.grpc.tls");
  assert.equal(
    tlsError({ cert_file: "/c.pem", key_file: "/k.pem", min_version: "", max_version: "" }),
    undefined,
  );

  const config = loopbackConfig();
  config.protocols.http = null;
  config.protocols.grpc!.tls = {
    ...unmarshalConfig({ protocols: { grpc: { tls: {} } } }).protocols.grpc!.tls!,
    cert_file: "/nonexistent/denocol/server.pem",
    key_file: "/nonexistent/denocol/server.key",
  };
  const receiver = createFactory().createTraces(
    nopSettings("receiver", "otlp/secure"),
    config,
    tracesSink(),
  );
  await assert.rejects(
    receiver.start(nopHost()),
    /receivers::otlp\/secure::protocols::grpc::tls::cert_file: cannot read \/nonexistent/,
  );
});
