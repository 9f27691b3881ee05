import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import * as grpc from "@grpc/grpc-js";
import { fromBinary } from "@bufbuild/protobuf";
import type { Component } from "@denocol/component";
import { nopHost, nopSettings } from "@denocol/component/componenttest";
import {
  createDefaultConfig as bearerDefaults,
  factory as bearerFactory,
} from "@denocol/bearertokenauthextension";
import { StatusSchema, traces } from "@denocol/pdata";
import { createFactory } from "./factory.ts";
import { defaultTlsServerConfig } from "@denocol/config";
import { createTestCertificates } from "@denocol/config/configtest";
import { defaultGrpcConfig } from "./config.ts";
import { makeTraces, startReceiver, tracesSink } from "./test_helpers.ts";
import { call } from "./test_helpers.ts";

const TRACES_PATH = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
const PROTO = { "content-type": "application/x-protobuf" };

async function bearerExtensions(token: string): Promise<Map<string, Component>> {
  const extension = bearerFactory.create(nopSettings("extension", "bearertokenauth"), {
    ...bearerDefaults(),
    token,
  });
  await extension.start(nopHost());
  return new Map([["bearertokenauth", extension]]);
}

Deno.test("otlp http: bearertokenauth refuses with 401 before the body is decoded", async () => {
  const sink = tracesSink();
  await using r = await startReceiver({ traces: sink }, {
    grpc: null,
    http: { auth: { authenticator: "bearertokenauth" } },
    extensions: await bearerExtensions("s3cr3t"),
  });
  const url = `${r.httpUrl}/v1/traces`;
  const garbage = new Uint8Array([0x0f, 1, 2, 3]);
  for (const headers of [PROTO, { ...PROTO, authorization: "Bearer wrong" }]) {
    // A malformed body would be 400 if it were decoded: 401 shows it was not.
    const response = await fetch(url, { method: "POST", body: garbage, headers });
    assert.equal(response.status, 401);
    const status = fromBinary(StatusSchema, new Uint8Array(await response.arrayBuffer()));
    assert.equal(status.code, 16);
  }
  const json = await fetch(url, {
    method: "POST",
    body: "{",
    headers: { "content-type": "application/json" },
  });
  assert.equal(json.status, 401);
  assert.equal((await json.json()).code, 16);

  const ok = await fetch(url, {
    method: "POST",
    body: traces.encodeProto(makeTraces(2)) as BodyInit,
    headers: { ...PROTO, authorization: "Bearer s3cr3t" },
  });
  assert.equal(ok.status, 200);
  await ok.body?.cancel();
  assert.equal(sink.count, 2);
  assert.deepEqual(sink.contexts[0].client?.auth, {
    authenticator: "bearertokenauth",
    attributes: {},
  });
});

Deno.test("otlp grpc: bearertokenauth refuses with Unauthenticated before decoding", async () => {
  const sink = tracesSink();
  await using r = await startReceiver({ traces: sink }, {
    http: null,
    grpc: { auth: { authenticator: "bearertokenauth" } },
    extensions: await bearerExtensions("s3cr3t"),
  });
  const client = new grpc.Client(r.grpcTarget, grpc.credentials.createInsecure());
  try {
    let result = await call(client, TRACES_PATH, new Uint8Array([0x0f, 1, 2, 3]));
    assert.equal(result.error?.code, grpc.status.UNAUTHENTICATED);
    const wrong = new grpc.Metadata();
    wrong.set("authorization", "Bearer nope");
    result = await call(client, TRACES_PATH, traces.encodeProto(makeTraces(1)), wrong);
    assert.equal(result.error?.code, grpc.status.UNAUTHENTICATED);
    const right = new grpc.Metadata();
    right.set("authorization", "Bearer s3cr3t");
    result = await call(client, TRACES_PATH, traces.encodeProto(makeTraces(3)), right);
    assert.equal(result.error, null);
  } finally {
    client.close();
  }
  assert.equal(sink.count, 3);
  assert.deepEqual(sink.contexts[0].client?.auth, {
    authenticator: "bearertokenauth",
    attributes: {},
  });
});

Deno.test("otlp receiver: a missing authenticator extension fails the start", async () => {
  const factory = createFactory();
  const config = createDefaultConfig();
  const receiver = factory.createTraces(nopSettings("receiver", "otlp"), config, tracesSink());
  await assert.rejects(
    receiver.start(nopHost()),
    /protocols\.grpc\.auth\.authenticator: extension "bearertokenauth" is not configured/,
  );
  await receiver.shutdown();

  function createDefaultConfig() {
    const defaults = factory.createDefaultConfig();
    return {
      protocols: {
        grpc: {
          ...defaultGrpcConfig(),
          endpoint: "127.0.0.1:0",
          auth: { authenticator: "bearertokenauth" },
        },
        http: { ...defaults.protocols.http!, endpoint: "127.0.0.1:0" },
      },
    };
  }
});

Deno.test("otlp http: TLS and client certificate verification", async (t) => {
  await using certs = await createTestCertificates({ prefix: "otlpreceiver-certs-" });
  const ca = await Deno.readTextFile(certs.caFile);
  const tls = {
    ...defaultTlsServerConfig(),
    cert_file: certs.serverCert,
    key_file: certs.serverKey,
  };
  const body = traces.encodeProto(makeTraces(1)) as BodyInit;

  await t.step("TLS, HTTP/1.1 and HTTP/2", async () => {
    const sink = tracesSink();
    await using r = await startReceiver({ traces: sink }, { grpc: null, http: { tls } });
    for (const versions of [{ http1: true, http2: false }, { http1: false, http2: true }]) {
      const client = Deno.createHttpClient({ caCerts: [ca], ...versions });
      try {
        const response = await fetch(`${r.httpUrl}/v1/traces`, {
          method: "POST",
          body,
          headers: PROTO,
          client,
        });
        assert.equal(response.status, 200);
        await response.body?.cancel();
      } finally {
        client.close();
      }
    }
    assert.equal(sink.count, 2);
    // Plaintext HTTP to the TLS port fails.
    await assert.rejects(
      fetch(`${r.httpUrl.replace("https:", "http:")}/v1/traces`, {
        method: "POST",
        body,
        headers: PROTO,
      }).then((response) => response.body?.cancel()),
    );
  });

  await t.step("mTLS: only clients with a certificate from client_ca_file", async () => {
    const sink = tracesSink();
    await using r = await startReceiver({ traces: sink }, {
      grpc: null,
      http: { tls: { ...tls, client_ca_file: certs.caFile } },
    });
    const attempt = async (cert?: string, key?: string) => {
      const client = Deno.createHttpClient({
        caCerts: [ca],
        ...(cert && key
          ? { cert: await Deno.readTextFile(cert), key: await Deno.readTextFile(key) }
          : {}),
      });
      try {
        const response = await fetch(`${r.httpUrl}/v1/traces`, {
          method: "POST",
          body,
          headers: PROTO,
          client,
        });
        await response.body?.cancel();
        return response.status;
      } finally {
        client.close();
      }
    };
    await assert.rejects(attempt());
    await assert.rejects(attempt(certs.untrustedClientCert, certs.untrustedClientKey));
    assert.equal(await attempt(certs.clientCert, certs.clientKey), 200);
    assert.equal(sink.count, 1);
  });
});

Deno.test("otlp grpc: TLS and client certificate verification", async (t) => {
  await using certs = await createTestCertificates({ prefix: "otlpreceiver-certs-" });
  const pem = async (path: string) => Buffer.from(await Deno.readFile(path));
  const ca = await pem(certs.caFile);
  const tls = {
    ...defaultTlsServerConfig(),
    cert_file: certs.serverCert,
    key_file: certs.serverKey,
  };
  // grpc-js refuses an IP address as TLS server name; the certificate names localhost.
  const options = { "grpc.ssl_target_name_override": "localhost" };
  const body = traces.encodeProto(makeTraces(1));

  await t.step("TLS", async () => {
    const sink = tracesSink();
    await using r = await startReceiver({ traces: sink }, { http: null, grpc: { tls } });
    const client = new grpc.Client(r.grpcTarget, grpc.credentials.createSsl(ca), options);
    try {
      const result = await call(client, TRACES_PATH, body);
      assert.equal(result.error, null);
    } finally {
      client.close();
    }
    const plain = new grpc.Client(r.grpcTarget, grpc.credentials.createInsecure());
    try {
      const result = await call(plain, TRACES_PATH, body);
      assert.equal(result.error?.code, grpc.status.UNAVAILABLE);
    } finally {
      plain.close();
    }
    assert.equal(sink.count, 1);
  });

  await t.step("mTLS", async () => {
    const sink = tracesSink();
    await using r = await startReceiver({ traces: sink }, {
      http: null,
      grpc: { tls: { ...tls, client_ca_file: certs.caFile } },
    });
    const attempt = async (credentials: grpc.ChannelCredentials) => {
      const client = new grpc.Client(r.grpcTarget, credentials, options);
      try {
        return (await call(client, TRACES_PATH, body)).error?.code ?? grpc.status.OK;
      } finally {
        client.close();
      }
    };
    assert.equal(await attempt(grpc.credentials.createSsl(ca)), grpc.status.UNAVAILABLE);
    assert.equal(
      await attempt(
        grpc.credentials.createSsl(
          ca,
          await pem(certs.untrustedClientKey),
          await pem(certs.untrustedClientCert),
        ),
      ),
      grpc.status.UNAVAILABLE,
    );
    assert.equal(
      await attempt(
        grpc.credentials.createSsl(
          ca,
          await pem(certs.clientKey),
          await pem(certs.clientCert),
        ),
      ),
      grpc.status.OK,
    );
    assert.equal(sink.count, 1);
  });
});
