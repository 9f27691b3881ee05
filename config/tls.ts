/**
 * TLS settings as the Go collector's `configtls` spells them: a client section for exporters
 * (`tls:` under an exporter) and a server section for receivers (`tls:` under a protocol).
 * Validation reads no files, so `validate` commands stay side-effect free; loading reads the PEM
 * files and returns options in the shape `node:tls`, `node:https` and `node:http2` take.
 *
 * @module
 */

/** A TLS protocol version as configured: `"1.2"` or `"1.3"`. */
export type TlsVersion = "1.2" | "1.3";

/** A TLS protocol version as `node:tls` names it. */
export type NodeTlsVersion = "TLSv1.2" | "TLSv1.3";

const NODE_VERSIONS: Readonly<Record<TlsVersion, NodeTlsVersion>> = {
  "1.2": "TLSv1.2",
  "1.3": "TLSv1.3",
};

/** Client-side TLS settings (Go's `configtls.ClientConfig`). */
export interface TlsClientConfig {
  /**
   * Plain text (`http://`, h2c) instead of TLS. Default `false`. An exporter whose endpoint has a
   * scheme follows the scheme instead.
   */
  insecure: boolean;
  /** Accept any server certificate. Default `false`. */
  insecure_skip_verify: boolean;
  /** File with the PEM CA certificates that sign the server's certificate. */
  ca_file: string | null;
  /** The PEM CA certificates inline. */
  ca_pem: string | null;
  /** File with the client's PEM certificate (mTLS). */
  cert_file: string | null;
  /** The client's PEM certificate inline. */
  cert_pem: string | null;
  /** File with the client's PEM private key (mTLS). */
  key_file: string | null;
  /** The client's PEM private key inline. */
  key_pem: string | null;
  /** Server name to verify (and send as SNI) instead of the endpoint's host. */
  server_name_override: string | null;
  /** Lowest TLS version: `"1.2"` or `"1.3"` (empty: the default). Default `"1.2"`. */
  min_version: string;
  /** Highest TLS version, or `null` (or empty) for the highest known. */
  max_version: string | null;
}

/** The default client TLS settings: verify the server against the system roots, TLS 1.2+. */
export function defaultTlsClientConfig(): TlsClientConfig {
  return {
    insecure: false,
    insecure_skip_verify: false,
    ca_file: null,
    ca_pem: null,
    cert_file: null,
    cert_pem: null,
    key_file: null,
    key_pem: null,
    server_name_override: null,
    min_version: "1.2",
    max_version: null,
  };
}

/** Client TLS material and options, ready for `node:tls`/`node:https` `connect`/`Agent`. */
export interface LoadedTlsClient {
  /** CA certificates, if configured (otherwise the system roots). */
  ca?: string;
  /** Client certificate. */
  cert?: string;
  /** Client private key. */
  key?: string;
  /** Whether the server certificate is verified. */
  rejectUnauthorized: boolean;
  /** Server name for SNI and verification, if overridden. */
  servername?: string;
  /** Lowest version. */
  minVersion: NodeTlsVersion;
  /** Highest version, if limited. */
  maxVersion?: NodeTlsVersion;
}

/** Server-side TLS settings (Go's `configtls.ServerConfig`, without reloading). */
export interface TlsServerConfig {
  /** File with the server's PEM certificate (chain). */
  cert_file: string | null;
  /** The server's PEM certificate inline. */
  cert_pem: string | null;
  /** File with the server's PEM private key. */
  key_file: string | null;
  /** The server's PEM private key inline. */
  key_pem: string | null;
  /**
   * File with the PEM CA certificates that sign client certificates. When set, every client
   * must present a certificate signed by one of them (mTLS).
   */
  client_ca_file: string | null;
  /** Lowest TLS version: `"1.2"` or `"1.3"` (empty: the default). Default `"1.2"`. */
  min_version: string;
  /** Highest TLS version, or `null` (or empty) for the highest known. */
  max_version: string | null;
}

/** The default server TLS settings: no certificate yet (one must be configured), TLS 1.2+. */
export function defaultTlsServerConfig(): TlsServerConfig {
  return {
    cert_file: null,
    cert_pem: null,
    key_file: null,
    key_pem: null,
    client_ca_file: null,
    min_version: "1.2",
    max_version: null,
  };
}

/** Server TLS material and options, ready for `node:tls`/`node:https`/`node:http2` servers. */
export interface LoadedTlsServer {
  /** Server certificate (chain). */
  cert: string;
  /** Server private key. */
  key: string;
  /** CA certificates for client certificates, when mTLS is configured. */
  ca?: string;
  /** Whether a client certificate is asked for (mTLS). */
  requestCert: boolean;
  /** Whether a client without a valid certificate is refused (mTLS). */
  rejectUnauthorized: boolean;
  /** Lowest version. */
  minVersion: NodeTlsVersion;
  /** Highest version, if limited. */
  maxVersion?: NodeTlsVersion;
}

/**
 * A TLS section value that does not fit. Besides the message (`<path>::<key>: <reason>`), it
 * carries its parts, so that a component with its own error style (another path separator, a
 * `configPath` for the service) can restate it.
 */
export class TlsConfigError extends TypeError {
  /** Config path of the section, as given to the validating function. */
  readonly section: string;
  /** The key inside the section, or `undefined` when the section as a whole is wrong. */
  readonly key: string | undefined;
  /** What was expected and what was found. */
  readonly reason: string;

  /**
   * Creates the error.
   *
   * @param section Config path of the section.
   * @param key The key at fault, or `undefined` for the whole section.
   * @param reason What was expected and what was found.
   */
  constructor(section: string, key: string | undefined, reason: string) {
    super(`${key === undefined ? section : `${section}::${key}`}: ${reason}`);
    this.name = "TlsConfigError";
    this.section = section;
    this.key = key;
    this.reason = reason;
  }
}

/**
 * The configured version as `node:tls` names it. An empty string means the default, as in the
 * Go collector: TLS 1.2 for the lowest version, no limit for the highest.
 */
function nodeVersion(version: string | null): NodeTlsVersion | undefined {
  if (version === null || version === "") return undefined;
  return NODE_VERSIONS[version as TlsVersion];
}

function checkVersions(config: { min_version: unknown; max_version: unknown }, path: string) {
  const isVersion = (value: unknown): value is TlsVersion | "" =>
    value === "" || (typeof value === "string" && Object.hasOwn(NODE_VERSIONS, value));
  if (!isVersion(config.min_version)) {
    throw new TlsConfigError(
      path,
      "min_version",
      `expected "1.2" or "1.3", got ${JSON.stringify(config.min_version)}`,
    );
  }
  if (config.max_version === null) return;
  if (!isVersion(config.max_version)) {
    throw new TlsConfigError(
      path,
      "max_version",
      `expected "1.2" or "1.3", got ${JSON.stringify(config.max_version)}`,
    );
  }
  const min = config.min_version === "" ? "1.2" : config.min_version;
  if (config.max_version !== "" && config.max_version < min) {
    throw new TlsConfigError(
      path,
      undefined,
      `max_version ${config.max_version} is below min_version ${min}`,
    );
  }
}

function checkOptionalStrings(
  config: Record<string, unknown>,
  keys: readonly string[],
  path: string,
): void {
  for (const key of keys) {
    const value = config[key];
    if (value !== null && value !== undefined && typeof value !== "string") {
      throw new TlsConfigError(path, key, `expected a string, got ${JSON.stringify(value)}`);
    }
  }
}

/** The file/inline pairs a section may set, each at most once. */
const PEM_PAIRS = [["ca_file", "ca_pem"], ["cert_file", "cert_pem"], [
  "key_file",
  "key_pem",
]] as const;

function checkPemPairs(config: Record<string, unknown>, path: string): void {
  for (const [file, pem] of PEM_PAIRS) {
    if (config[file] && config[pem]) {
      throw new TlsConfigError(path, undefined, `set either ${file} or ${pem}, not both`);
    }
  }
}

/**
 * Checks a client section without reading files.
 *
 * @param path Config path of the section, such as `exporters::otlp::tls`.
 * @throws {TlsConfigError} naming the key when a value is invalid.
 */
export function validateTlsClientConfig(config: TlsClientConfig, path: string): void {
  for (const key of ["insecure", "insecure_skip_verify"] as const) {
    if (typeof config[key] !== "boolean") {
      throw new TlsConfigError(
        path,
        key,
        `expected true or false, got ${JSON.stringify(config[key])}`,
      );
    }
  }
  const fields = config as unknown as Record<string, unknown>;
  checkOptionalStrings(fields, [...PEM_PAIRS.flat(), "server_name_override"], path);
  checkPemPairs(fields, path);
  const hasCert = Boolean(config.cert_file || config.cert_pem);
  const hasKey = Boolean(config.key_file || config.key_pem);
  if (hasCert !== hasKey) {
    throw new TlsConfigError(
      path,
      undefined,
      "a client certificate needs both cert_file (or cert_pem) and key_file (or key_pem)",
    );
  }
  checkVersions(config, path);
}

/**
 * Checks a server section without reading files: a certificate and its key are required.
 *
 * @param path Config path of the section, such as `receivers::otlp::protocols::grpc::tls`.
 * @throws {TlsConfigError} naming the key when a value is invalid or missing.
 */
export function validateTlsServerConfig(config: TlsServerConfig, path: string): void {
  const fields = config as unknown as Record<string, unknown>;
  checkOptionalStrings(
    fields,
    ["cert_file", "cert_pem", "key_file", "key_pem", "client_ca_file"],
    path,
  );
  checkPemPairs(fields, path);
  if (!config.cert_file && !config.cert_pem) {
    throw new TlsConfigError(
      path,
      "cert_file",
      "expected exactly one of cert_file and cert_pem (a TLS server needs a certificate)",
    );
  }
  if (!config.key_file && !config.key_pem) {
    throw new TlsConfigError(
      path,
      "key_file",
      "expected exactly one of key_file and key_pem (a TLS server needs a private key)",
    );
  }
  checkVersions(config, path);
}

async function readPem(file: string, path: string, key: string): Promise<string> {
  try {
    return await Deno.readTextFile(file);
  } catch (error) {
    throw new Error(`${path}::${key}: cannot read ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

async function pemOf(
  file: string | null,
  inline: string | null,
  path: string,
  key: string,
): Promise<string | undefined> {
  if (file) return await readPem(file, path, key);
  return inline || undefined;
}

/**
 * Validates a client section and reads the files it names.
 *
 * @param path Config path of the section, named in errors.
 * @throws {TlsConfigError} when a value is invalid; {@linkcode Error} naming the key and file when a
 * file cannot be read.
 */
export async function loadTlsClientConfig(
  config: TlsClientConfig,
  path: string,
): Promise<LoadedTlsClient> {
  validateTlsClientConfig(config, path);
  const loaded: LoadedTlsClient = {
    rejectUnauthorized: !config.insecure_skip_verify,
    minVersion: nodeVersion(config.min_version) ?? "TLSv1.2",
  };
  const maxVersion = nodeVersion(config.max_version);
  if (maxVersion !== undefined) loaded.maxVersion = maxVersion;
  const ca = await pemOf(config.ca_file, config.ca_pem, path, "ca_file");
  if (ca !== undefined) loaded.ca = ca;
  const cert = await pemOf(config.cert_file, config.cert_pem, path, "cert_file");
  if (cert !== undefined) loaded.cert = cert;
  const key = await pemOf(config.key_file, config.key_pem, path, "key_file");
  if (key !== undefined) loaded.key = key;
  if (config.server_name_override) loaded.servername = config.server_name_override;
  return loaded;
}

/**
 * Validates a server section and reads the files it names.
 *
 * @param path Config path of the section, named in errors.
 * @throws {TlsConfigError} when a value is invalid; {@linkcode Error} naming the key and file when a
 * file cannot be read.
 */
export async function loadTlsServerConfig(
  config: TlsServerConfig,
  path: string,
): Promise<LoadedTlsServer> {
  validateTlsServerConfig(config, path);
  const mutual = Boolean(config.client_ca_file);
  const loaded: LoadedTlsServer = {
    cert: (await pemOf(config.cert_file, config.cert_pem, path, "cert_file"))!,
    key: (await pemOf(config.key_file, config.key_pem, path, "key_file"))!,
    requestCert: mutual,
    rejectUnauthorized: mutual,
    minVersion: nodeVersion(config.min_version) ?? "TLSv1.2",
  };
  const maxVersion = nodeVersion(config.max_version);
  if (maxVersion !== undefined) loaded.maxVersion = maxVersion;
  if (config.client_ca_file) {
    loaded.ca = await readPem(config.client_ca_file, path, "client_ca_file");
  }
  return loaded;
}
