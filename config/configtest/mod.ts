/**
 * Test helpers for TLS settings: a throw-away certificate authority with a server certificate
 * for loopback, a client certificate for mTLS, and a second, untrusted authority whose client
 * certificate a server must refuse. The files are made with the `openssl` command line tool in a
 * temporary directory, so tests using them need `--allow-run=openssl`, `--allow-read` and
 * `--allow-write`.
 *
 * ```ts
 * import { createTestCertificates } from "@denocol/config/configtest";
 * import { defaultTlsServerConfig, loadTlsServerConfig } from "@denocol/config";
 *
 * await using certs = await createTestCertificates();
 * const tls = await loadTlsServerConfig(
 *   { ...defaultTlsServerConfig(), cert_file: certs.serverCert, key_file: certs.serverKey },
 *   "receivers::otlp::protocols::grpc::tls",
 * );
 * ```
 *
 * {@linkcode RawClient} speaks raw TCP to a server on loopback, for requests no HTTP client
 * library sends (stalled heads, trickled bodies, malformed framing); {@linkcode rawGrpcCall} does
 * the same for gRPC over a bare HTTP/2 session.
 *
 * @module
 */

export { RawClient } from "./raw_client.ts";
export { type ChildServer, startChildServer } from "./child.ts";
export { frameGrpc, type RawGrpcAnswer, rawGrpcCall, type RawGrpcCallOptions } from "./raw_grpc.ts";

/** Options of {@linkcode createTestCertificates}. */
export interface TestCertificateOptions {
  /** Prefix of the temporary directory's name, to tell whose files they are. */
  prefix?: string;
  /** Days the certificates are valid for. Default 1. */
  days?: number;
}

/**
 * PEM files of a test certificate authority and the certificates it signed, plus an untrusted
 * authority. Every path is inside {@linkcode TestCertificates.dir}.
 */
export interface TestCertificates {
  /** The temporary directory holding every file. */
  dir: string;
  /** Certificate of the trusted test CA. */
  caFile: string;
  /**
   * Server certificate signed by the CA, valid for `localhost` and `127.0.0.1` (subject
   * alternative names) and for server authentication.
   */
  serverCert: string;
  /** Private key of {@linkcode TestCertificates.serverCert}. */
  serverKey: string;
  /** Client certificate signed by the CA, for client authentication (mTLS). */
  clientCert: string;
  /** Private key of {@linkcode TestCertificates.clientCert}. */
  clientKey: string;
  /** Certificate of a second CA, which nothing trusts. */
  untrustedCaFile: string;
  /** Client certificate signed by the untrusted CA, which an mTLS server must refuse. */
  untrustedClientCert: string;
  /** Private key of {@linkcode TestCertificates.untrustedClientCert}. */
  untrustedClientKey: string;
  /** Removes the directory and every file in it; calling it again does nothing. */
  cleanup(): Promise<void>;
  /** The same as {@linkcode TestCertificates.cleanup}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

async function openssl(dir: string, args: string[]): Promise<void> {
  const output = await new Deno.Command("openssl", {
    args,
    cwd: dir,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!output.success) {
    throw new Error(
      `openssl ${args.join(" ")} failed in ${dir}: ${new TextDecoder().decode(output.stderr)}`,
    );
  }
}

/**
 * Makes a trusted CA, a server and a client certificate it signed, and an untrusted CA with its
 * own client certificate, as PEM files (RSA 2048, unencrypted keys) in a new temporary directory.
 * The directory is removed by `cleanup` (or `await using`); if making a file fails, it is removed
 * before the error is thrown.
 *
 * @throws {Error} with openssl's output when a command fails (or `Deno.errors.NotFound` when
 * openssl is not installed).
 */
export async function createTestCertificates(
  options: TestCertificateOptions = {},
): Promise<TestCertificates> {
  const dir = await Deno.makeTempDir({ prefix: options.prefix ?? "denocol-test-certs-" });
  const days = ["-days", String(options.days ?? 1)];
  // A new key and either a self-signed certificate (an authority) or a signing request.
  const newKeyAnd = (name: string, subject: string, selfSigned: boolean) =>
    openssl(dir, [
      "req",
      ...(selfSigned ? ["-x509", ...days] : []),
      ...["-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`],
      ...["-out", selfSigned ? `${name}.pem` : `${name}.csr`, "-subj", `/CN=${subject}`],
    ]);
  const authority = (name: string, subject: string) => newKeyAnd(name, subject, true);
  const signed = async (name: string, subject: string, signer: string, extensions: string) => {
    await Deno.writeTextFile(`${dir}/${name}.ext`, extensions);
    await newKeyAnd(name, subject, false);
    await openssl(dir, [
      ...["x509", "-req", "-in", `${name}.csr`, "-out", `${name}.pem`, ...days],
      ...["-CA", `${signer}.pem`, "-CAkey", `${signer}.key`, "-CAcreateserial"],
      ...["-extfile", `${name}.ext`],
    ]);
  };
  const cleanup = async () => {
    try {
      await Deno.remove(dir, { recursive: true });
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  };
  try {
    await authority("ca", "denocol test CA");
    await authority("untrusted-ca", "denocol untrusted CA");
    await signed(
      "server",
      "localhost",
      "ca",
      "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
    );
    await signed("client", "denocol client", "ca", "extendedKeyUsage=clientAuth\n");
    await signed(
      "untrusted-client",
      "denocol untrusted client",
      "untrusted-ca",
      "extendedKeyUsage=clientAuth\n",
    );
  } catch (error) {
    await cleanup();
    throw error;
  }
  return {
    dir,
    caFile: `${dir}/ca.pem`,
    serverCert: `${dir}/server.pem`,
    serverKey: `${dir}/server.key`,
    clientCert: `${dir}/client.pem`,
    clientKey: `${dir}/client.key`,
    untrustedCaFile: `${dir}/untrusted-ca.pem`,
    untrustedClientCert: `${dir}/untrusted-client.pem`,
    untrustedClientKey: `${dir}/untrusted-client.key`,
    cleanup,
    [Symbol.asyncDispose]: cleanup,
  };
}
