import assert from "node:assert/strict";
import * as https from "node:https";
import { nopHost } from "@denocol/component/componenttest";
import { traces } from "@denocol/pdata";
import { createDefaultConfig, factory, type OtlpHttpConfig } from "./mod.ts";
import {
  captureTelemetry,
  FAST_RETRY,
  spanNames,
  tracesWithSpans,
} from "@denocol/exporter/exportertest";
import { createTestCertificates } from "@denocol/config/configtest";
import { gunzip } from "./testutil_test.ts";

/** An HTTPS backend (node:https, since Deno.serve cannot demand client certificates). */
async function httpsBackend(options: https.ServerOptions): Promise<
  { port: number; names: string[]; close: () => Promise<void> }
> {
  const names: string[] = [];
  const server = https.createServer(options, (request, response) => {
    const chunks: Uint8Array[] = [];
    request.on("data", (c: Uint8Array) => chunks.push(c));
    request.on("end", async () => {
      const body = await gunzip(new Uint8Array(await new Blob(chunks as BlobPart[]).arrayBuffer()));
      names.push(...spanNames(traces.decodeProto(body)));
      response.writeHead(200).end();
    });
  });
  server.on("tlsClientError", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    port: (server.address() as { port: number }).port,
    names,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function config(endpoint: string, tls: Partial<OtlpHttpConfig["tls"]>): OtlpHttpConfig {
  const defaults = createDefaultConfig();
  return {
    ...defaults,
    endpoint,
    timeout: "2s",
    tls: { ...defaults.tls, ...tls },
    retry_on_failure: { ...FAST_RETRY, max_elapsed_time: "300ms" },
    sending_queue: { ...defaults.sending_queue, enabled: false },
  };
}

Deno.test("otlphttp: TLS with a CA file, and mTLS with a client certificate", async () => {
  const certs = await createTestCertificates();
  const read = (f: string) => Deno.readTextFileSync(f);
  const { settings } = captureTelemetry("otlphttp");
  try {
    const plain = await httpsBackend({ key: read(certs.serverKey), cert: read(certs.serverCert) });
    const trusted = factory.createTraces(
      settings,
      config(`https://127.0.0.1:${plain.port}`, { ca_file: certs.caFile }),
    );
    await trusted.start(nopHost());
    await trusted.consume(tracesWithSpans("tls", 2));
    await trusted.shutdown();
    const untrusted = factory.createTraces(settings, config(`https://localhost:${plain.port}`, {}));
    await untrusted.start(nopHost());
    await assert.rejects(untrusted.consume(tracesWithSpans("no", 1)));
    await untrusted.shutdown();
    const skipping = factory.createTraces(
      settings,
      config(`https://localhost:${plain.port}`, { insecure_skip_verify: true }),
    );
    await skipping.start(nopHost());
    await skipping.consume(tracesWithSpans("skip", 1));
    await skipping.shutdown();
    await plain.close();
    assert.deepEqual(plain.names, ["tls-0", "tls-1", "skip-0"]);

    const mutual = await httpsBackend({
      key: read(certs.serverKey),
      cert: read(certs.serverCert),
      ca: read(certs.caFile),
      requestCert: true,
      rejectUnauthorized: true,
    });
    const withCert = factory.createTraces(
      settings,
      config(`https://localhost:${mutual.port}`, {
        ca_file: certs.caFile,
        cert_file: certs.clientCert,
        key_file: certs.clientKey,
      }),
    );
    await withCert.start(nopHost());
    await withCert.consume(tracesWithSpans("mtls", 1));
    await withCert.shutdown();
    const withoutCert = factory.createTraces(
      settings,
      config(`https://localhost:${mutual.port}`, { ca_file: certs.caFile }),
    );
    await withoutCert.start(nopHost());
    await assert.rejects(withoutCert.consume(tracesWithSpans("anon", 1)));
    await withoutCert.shutdown();
    await mutual.close();
    assert.deepEqual(mutual.names, ["mtls-0"]);

    const missing = factory.createTraces(
      settings,
      config(`https://localhost:${mutual.port}`, { ca_file: `${certs.dir}/nope.pem` }),
    );
    await assert.rejects(
      missing.start(nopHost()),
      /exporters::otlphttp::tls::ca_file: cannot read .*nope\.pem/,
    );
    await missing.shutdown();
  } finally {
    await certs.cleanup();
  }
});
