/** A `host:port` address split into its parts. */
export interface HostPort {
  /** Host name or IP address, without the brackets of an IPv6 address; `""` when none was given. */
  readonly hostname: string;
  /** Port number, 0 to 65535. */
  readonly port: number;
}

// A host name or IPv4 address (possibly empty), or an IPv6 address in brackets, then the port.
const HOST_PORT = /^(?:\[([^\]\s]+)\]|([\w.-]*)):(\d{1,5})$/;

/**
 * Splits `text`, `host:port` (`[v6]:port` for IPv6, `:port` for no host), as written in an
 * `endpoint` setting. The host is returned as written, `""` when there is none.
 *
 * @param path Config path of the setting, such as `receivers::otlp::protocols::grpc::endpoint`,
 *   which starts the error message.
 * @throws {TypeError} `<path>: expected host:port, got "<text>"`, or naming a port above 65535.
 */
export function parseEndpoint(text: string, path = "endpoint"): HostPort {
  const match = HOST_PORT.exec(text);
  if (match === null) {
    throw new TypeError(`${path}: expected host:port, got ${JSON.stringify(text)}`);
  }
  const port = Number(match[3]);
  if (port > 65535) {
    throw new TypeError(
      `${path}: expected host:port with a port from 0 to 65535, got ${JSON.stringify(text)}`,
    );
  }
  return { hostname: match[1] ?? match[2], port };
}

/**
 * The address a server listens on for the endpoint `text`: {@linkcode parseEndpoint}, with no
 * host meaning every interface (`0.0.0.0`), as a Go listener takes it.
 *
 * @param path Config path of the setting, for the error message.
 * @throws {TypeError} as {@linkcode parseEndpoint} does.
 */
export function listenAddress(text: string, path = "endpoint"): HostPort {
  const { hostname, port } = parseEndpoint(text, path);
  return { hostname: hostname === "" ? "0.0.0.0" : hostname, port };
}
