import assert from "node:assert/strict";
import * as tls from "node:tls";
import {
  defaultTlsClientConfig,
  defaultTlsServerConfig,
  type LoadedTlsClient,
  type LoadedTlsServer,
  loadTlsClientConfig,
  loadTlsServerConfig,
  type TlsClientConfig,
  type TlsServerConfig,
  validateTlsClientConfig,
  validateTlsServerConfig,
} from "./tls.ts";

interface Certificates {
  dir: string;
  caFile: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

async function openssl(dir: string, ...args: string[]): Promise<void> {
  const result = await new Deno.Command("openssl", { args, cwd: dir, stderr: "piped" }).output();
  if (!result.success) {
    throw new Error(`openssl ${args[0]} failed: ${new TextDecoder().decode(result.stderr)}`);
  }
}

/** A throwaway CA with a server certificate (localhost, 127.0.0.1) and a client certificate. */
async function makeCertificates(): Promise<Certificates> {
  const dir = await Deno.makeTempDir({ prefix: "denocol-config-tls-" });
  const key = ["-newkey", "rsa:2048", "-nodes"];
  await openssl(
    dir,
    "req",
    "-x509",
    ...key,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "1",
    "-subj",
    "/CN=test CA",
  );
  await Deno.writeTextFile(`${dir}/server.ext`, "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  await Deno.writeTextFile(`${dir}/client.ext`, "extendedKeyUsage=clientAuth\n");
  for (const name of ["server", "client"]) {
    await openssl(
      dir,
      "req",
      ...key,
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      "-subj",
      `/CN=${name}`,
    );
    await openssl(
      dir,
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      `${name}.pem`,
      "-days",
      "1",
      "-extfile",
      `${name}.ext`,
    );
  }
  return {
    dir,
    caFile: `${dir}/ca.pem`,
    serverCert: `${dir}/server.pem`,
    serverKey: `${dir}/server.key`,
    clientCert: `${dir}/client.pem`,
    clientKey: `${dir}/client.key`,
  };
}

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
    [{}, /r::tls::cert_file: a TLS server needs a certificate/],
    [{ cert_file: "c" }, /r::tls::key_file: a TLS server needs a private key/],
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
  const certs = await makeCertificates();
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
    await Deno.remove(certs.dir, { recursive: true });
  }
});
