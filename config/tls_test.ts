import assert from "node:assert/strict";
import * as tls from "node:tls";
import { createTestCertificates } from "./configtest/mod.ts";
import {
  defaultTlsClientConfig,
  defaultTlsServerConfig,
  type LoadedTlsClient,
  type LoadedTlsServer,
  loadTlsClientConfig,
  loadTlsServerConfig,
  type TlsClientConfig,
  TlsConfigError,
  type TlsServerConfig,
  validateTlsClientConfig,
  validateTlsServerConfig,
} from "./tls.ts";

/** A TLS echo-less server that writes "ok" to every client that completes the handshake. */
async function serve(options: LoadedTlsServer): Promise<{ port: number; close(): Promise<void> }> {
  const server = tls.createServer(options, (socket) => socket.end("ok"));
  server.on("tlsClientError", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Connects with `options` and resolves with what the server wrote, or rejects. */
function exchange(host: string, port: number, options: LoadedTlsClient): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error("no answer within 5 s"));
    }, 5000);
    const socket = tls.connect({ host, port, ...options }, () => {});
    let text = "";
    socket.on("data", (chunk: Uint8Array) => text += new TextDecoder().decode(chunk));
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on("close", () => {
      clearTimeout(timer);
      if (text === "") reject(new Error("closed without an answer"));
      else resolve(text);
    });
  });
}

function client(overrides: Partial<TlsClientConfig>): TlsClientConfig {
  return { ...defaultTlsClientConfig(), ...overrides };
}

function server(overrides: Partial<TlsServerConfig>): TlsServerConfig {
  return { ...defaultTlsServerConfig(), ...overrides };
}

Deno.test("client TLS validation names the key and what was expected", () => {
  validateTlsClientConfig(defaultTlsClientConfig(), "x");
  const cases: [Partial<TlsClientConfig>, RegExp][] = [
    [{ insecure: "yes" as unknown as boolean }, /e::tls::insecure: expected true or false/],
    [{ ca_file: "a", ca_pem: "b" }, /e::tls: set either ca_file or ca_pem, not both/],
    [{ cert_file: "c" }, /e::tls: a client certificate needs both cert_file/],
    [{ key_pem: "k" }, /e::tls: a client certificate needs both/],
    [{ ca_file: 3 as unknown as string }, /e::tls::ca_file: expected a string, got 3/],
    [{ min_version: "1.1" }, /e::tls::min_version: expected "1.2" or "1.3", got "1.1"/],
    [{ max_version: "2" }, /e::tls::max_version: expected "1.2" or "1.3", got "2"/],
    [
      { min_version: "1.3", max_version: "1.2" },
      /e::tls: max_version 1.2 is below min_version 1.3/,
    ],
  ];
  for (const [overrides, message] of cases) {
    assert.throws(() => validateTlsClientConfig(client(overrides), "e::tls"), message);
  }
});

Deno.test("server TLS validation requires a certificate and key", () => {
  const cases: [Partial<TlsServerConfig>, RegExp][] = [
    [{}, /r::tls::cert_file: expected exactly one of cert_file and cert_pem \(a TLS server needs/],
    [{ cert_file: "c" }, /r::tls::key_file: expected exactly one of key_file and key_pem/],
    [{ cert_file: "c", cert_pem: "p", key_file: "k" }, /r::tls: set either cert_file or cert_pem/],
    [{ cert_file: "c", key_file: "k", min_version: "1.0" }, /r::tls::min_version: expected/],
    [
      { cert_file: "c", key_file: "k", client_ca_file: false as unknown as string },
      /client_ca_file: expected a string/,
    ],
  ];
  for (const [overrides, message] of cases) {
    assert.throws(() => validateTlsServerConfig(server(overrides), "r::tls"), message);
  }
  validateTlsServerConfig(server({ cert_pem: "c", key_pem: "k" }), "r::tls");
});

Deno.test("loaded client and server TLS: verification, mTLS, server name, versions", async () => {
  const certs = await createTestCertificates({ prefix: "denocol-config-tls-" });
  try {
    const plain = await serve(
      await loadTlsServerConfig(
        server({ cert_file: certs.serverCert, key_file: certs.serverKey }),
        "r",
      ),
    );
    try {
      assert.equal(
        await exchange(
          "127.0.0.1",
          plain.port,
          await loadTlsClientConfig(client({ ca_file: certs.caFile }), "e"),
        ),
        "ok",
      );
      // The system roots do not know the test CA.
      await assert.rejects(
        exchange("127.0.0.1", plain.port, await loadTlsClientConfig(client({}), "e")),
      );
      assert.equal(
        await exchange(
          "127.0.0.1",
          plain.port,
          await loadTlsClientConfig(client({ insecure_skip_verify: true }), "e"),
        ),
        "ok",
      );
      // The certificate names localhost and 127.0.0.1 only.
      await assert.rejects(
        exchange(
          "127.0.0.1",
          plain.port,
          await loadTlsClientConfig(
            client({ ca_file: certs.caFile, server_name_override: "example.com" }),
            "e",
          ),
        ),
      );
      assert.equal(
        await exchange(
          "127.0.0.1",
          plain.port,
          await loadTlsClientConfig(
            client({ ca_file: certs.caFile, server_name_override: "localhost" }),
            "e",
          ),
        ),
        "ok",
      );
    } finally {
      await plain.close();
    }

    const mutual = await serve(
      await loadTlsServerConfig(
        server({
          cert_file: certs.serverCert,
          key_file: certs.serverKey,
          client_ca_file: certs.caFile,
        }),
        "r",
      ),
    );
    try {
      const withCert = await loadTlsClientConfig(
        client({
          ca_file: certs.caFile,
          cert_file: certs.clientCert,
          key_pem: await Deno.readTextFile(certs.clientKey),
        }),
        "e",
      );
      assert.equal(await exchange("127.0.0.1", mutual.port, withCert), "ok");
      await assert.rejects(
        exchange(
          "127.0.0.1",
          mutual.port,
          await loadTlsClientConfig(client({ ca_file: certs.caFile }), "e"),
        ),
      );
      const untrusted = await loadTlsClientConfig(
        client({
          ca_file: certs.caFile,
          cert_file: certs.untrustedClientCert,
          key_file: certs.untrustedClientKey,
        }),
        "e",
      );
      await assert.rejects(exchange("127.0.0.1", mutual.port, untrusted));
      // A client trusting only the untrusted CA does not accept the server.
      await assert.rejects(
        exchange(
          "127.0.0.1",
          mutual.port,
          await loadTlsClientConfig(client({ ca_file: certs.untrustedCaFile }), "e"),
        ),
      );
    } finally {
      await mutual.close();
    }

    const only12 = await serve(
      await loadTlsServerConfig(
        server({ cert_file: certs.serverCert, key_file: certs.serverKey, max_version: "1.2" }),
        "r",
      ),
    );
    try {
      assert.equal(
        await exchange(
          "127.0.0.1",
          only12.port,
          await loadTlsClientConfig(client({ ca_file: certs.caFile }), "e"),
        ),
        "ok",
      );
      await assert.rejects(
        exchange(
          "127.0.0.1",
          only12.port,
          await loadTlsClientConfig(client({ ca_file: certs.caFile, min_version: "1.3" }), "e"),
        ),
      );
    } finally {
      await only12.close();
    }

    await assert.rejects(
      loadTlsClientConfig(client({ ca_file: `${certs.dir}/missing.pem` }), "exporters::otlp::tls"),
      /^Error: exporters::otlp::tls::ca_file: cannot read .*missing\.pem/,
    );
    await assert.rejects(
      loadTlsServerConfig(
        server({
          cert_file: certs.serverCert,
          key_file: certs.serverKey,
          client_ca_file: `${certs.dir}/nope.pem`,
        }),
        "receivers::otlp::tls",
      ),
      /receivers::otlp::tls::client_ca_file: cannot read .*nope\.pem/,
    );
  } finally {
    await certs.cleanup();
  }
});

Deno.test("an empty min_version or max_version means the default, as in the Go collector", async () => {
  validateTlsClientConfig(client({ min_version: "", max_version: "" }), "e::tls");
  validateTlsServerConfig(
    server({ cert_pem: "c", key_pem: "k", min_version: "", max_version: "" }),
    "r::tls",
  );
  const loaded = await loadTlsClientConfig(client({ min_version: "", max_version: "" }), "e");
  assert.equal(loaded.minVersion, "TLSv1.2");
  assert.equal(loaded.maxVersion, undefined);
  const pinned = await loadTlsClientConfig(client({ min_version: "1.3", max_version: "1.3" }), "e");
  assert.equal(pinned.minVersion, "TLSv1.3");
  assert.equal(pinned.maxVersion, "TLSv1.3");
  // An empty min_version is 1.2 when compared with max_version.
  validateTlsClientConfig(client({ min_version: "", max_version: "1.2" }), "e::tls");
});

Deno.test("TLS validation errors carry the section, the key and the reason apart", () => {
  assert.throws(
    () => validateTlsServerConfig(server({ cert_file: "c", key_file: "k", max_version: "9" }), "r"),
    (error: unknown) => {
      assert.ok(error instanceof TlsConfigError);
      assert.ok(error instanceof TypeError);
      assert.equal(error.section, "r");
      assert.equal(error.key, "max_version");
      assert.equal(error.reason, 'expected "1.2" or "1.3", got "9"');
      assert.equal(error.message, `r::max_version: ${error.reason}`);
      return true;
    },
  );
  assert.throws(
    () => validateTlsClientConfig(client({ ca_file: "a", ca_pem: "b" }), "e::tls"),
    (error: unknown) => {
      assert.ok(error instanceof TlsConfigError);
      assert.equal(error.key, undefined);
      assert.equal(error.message, `e::tls: ${error.reason}`);
      return true;
    },
  );
});

Deno.test("test certificates: cleanup removes the directory and may run twice", async () => {
  const certs = await createTestCertificates({ prefix: "denocol-config-cleanup-" });
  assert.ok((await Deno.stat(certs.untrustedClientKey)).isFile);
  await certs.cleanup();
  await assert.rejects(Deno.stat(certs.dir), Deno.errors.NotFound);
  await certs[Symbol.asyncDispose]();
});
