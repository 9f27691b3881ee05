/** Client-side TLS settings of an exporter, as Go's `configtls.ClientConfig` spells them. */
export interface TlsClientConfig {
  /** Plain text (`http://`, h2c) instead of TLS. Default `false` (the otlphttp exporter follows the URL scheme). */
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
  /** Server name to verify instead of the endpoint's host. */
  server_name_override: string | null;
  /** Lowest TLS version: `"1.2"` or `"1.3"`. Default `"1.2"`. */
  min_version: string;
  /** Highest TLS version, or `null` for the highest known. */
  max_version: string | null;
}

/** The default client TLS settings. */
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

/** Loaded TLS material and options in the shape `node:tls`/`node:https` take. */
export interface LoadedTls {
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
  /** `TLSv1.2` or `TLSv1.3`. */
  minVersion: "TLSv1.2" | "TLSv1.3";
  /** Highest version, if limited. */
  maxVersion?: "TLSv1.2" | "TLSv1.3";
}

const VERSIONS: Readonly<Record<string, "TLSv1.2" | "TLSv1.3">> = {
  "1.2": "TLSv1.2",
  "1.3": "TLSv1.3",
};

/**
 * Checks `config` without reading files.
 *
 * @param path Config path of the section, such as `exporters::otlp::tls`.
 * @throws {TypeError} naming the key when a value is invalid.
 */
export function validateTlsConfig(config: TlsClientConfig, path: string): void {
  for (const key of ["insecure", "insecure_skip_verify"] as const) {
    if (typeof config[key] !== "boolean") {
      throw new TypeError(`${path}::${key}: expected true or false`);
    }
  }
  for (
    const [file, pem] of [["ca_file", "ca_pem"], ["cert_file", "cert_pem"], [
      "key_file",
      "key_pem",
    ]] as const
  ) {
    if (config[file] && config[pem]) {
      throw new TypeError(`${path}: set either ${file} or ${pem}, not both`);
    }
  }
  const hasCert = Boolean(config.cert_file || config.cert_pem);
  const hasKey = Boolean(config.key_file || config.key_pem);
  if (hasCert !== hasKey) {
    throw new TypeError(
      `${path}: a client certificate needs both cert_file (or cert_pem) and key_file (or key_pem)`,
    );
  }
  if (VERSIONS[config.min_version] === undefined) {
    throw new TypeError(
      `${path}::min_version: expected "1.2" or "1.3", got ${JSON.stringify(config.min_version)}`,
    );
  }
  if (config.max_version !== null && VERSIONS[config.max_version] === undefined) {
    throw new TypeError(
      `${path}::max_version: expected "1.2" or "1.3", got ${JSON.stringify(config.max_version)}`,
    );
  }
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

/**
 * Reads the files named by `config`.
 *
 * @param path Config path of the section, named in errors.
 */
export async function loadTls(config: TlsClientConfig, path: string): Promise<LoadedTls> {
  validateTlsConfig(config, path);
  const loaded: LoadedTls = {
    rejectUnauthorized: !config.insecure_skip_verify,
    minVersion: VERSIONS[config.min_version],
  };
  if (config.max_version !== null) loaded.maxVersion = VERSIONS[config.max_version];
  if (config.ca_file) loaded.ca = await readPem(config.ca_file, path, "ca_file");
  else if (config.ca_pem) loaded.ca = config.ca_pem;
  if (config.cert_file) loaded.cert = await readPem(config.cert_file, path, "cert_file");
  else if (config.cert_pem) loaded.cert = config.cert_pem;
  if (config.key_file) loaded.key = await readPem(config.key_file, path, "key_file");
  else if (config.key_pem) loaded.key = config.key_pem;
  if (config.server_name_override) loaded.servername = config.server_name_override;
  return loaded;
}
