import { type Component, ID } from "@denocol/component";

// Authentication of incoming requests: an extension (such as `bearertokenauth`) that receivers
// name in `auth.authenticator` and call before they read a request's body.

/** What a server authenticator learned about an authenticated client. */
export interface ClientAuthInfo {
  /** Type of the authenticator, such as `bearertokenauth`. */
  readonly authenticator: string;
  /** Attributes of the authenticated client that later components may read. */
  readonly attributes: Readonly<Record<string, string>>;
}

/**
 * An extension that authenticates incoming requests from their headers (HTTP headers or gRPC
 * metadata, keys lower-case). Receivers configured with `auth.authenticator` call it before they
 * read a request's body, and answer 401 / `Unauthenticated` when it rejects.
 */
export interface ServerAuthenticator extends Component {
  /** Resolves with what is known about the client, or rejects when it is not authenticated. */
  authenticate(headers: ReadonlyMap<string, readonly string[]>): Promise<ClientAuthInfo>;
}

/** Whether `value` (usually an extension found through the host) is a server authenticator. */
export function isServerAuthenticator(value: unknown): value is ServerAuthenticator {
  return typeof value === "object" && value !== null &&
    typeof (value as { authenticate?: unknown }).authenticate === "function";
}

/**
 * An extension that authenticates outgoing requests (such as `bearertokenauth` used by an
 * exporter's `auth.authenticator`): it gives the headers (HTTP headers, or gRPC metadata) to add
 * to each request.
 */
export interface ClientAuthenticator extends Component {
  /** The headers to add to the next request, names in lower case. */
  clientHeaders(): Promise<Readonly<Record<string, string>>>;
}

/** Whether `value` (usually an extension found through the host) is a client authenticator. */
export function isClientAuthenticator(value: unknown): value is ClientAuthenticator {
  return typeof value === "object" && value !== null &&
    typeof (value as { clientHeaders?: unknown }).clientHeaders === "function";
}

/**
 * The client authenticator `id` names among `host`'s extensions, for a client's
 * `auth.authenticator` at config path `path`.
 *
 * @throws {Error} naming `path` when no such extension is configured or it cannot authenticate
 *   clients.
 */
export function clientAuthenticatorOf(
  host: { getExtension(id: ID): Component | undefined },
  id: string,
  path: string,
): ClientAuthenticator {
  const extension = host.getExtension(ID.parse(id));
  if (extension === undefined) {
    throw new Error(
      `${path}::auth::authenticator: no extension ${JSON.stringify(id)} is configured in ` +
        `service.extensions`,
    );
  }
  if (!isClientAuthenticator(extension)) {
    throw new Error(
      `${path}::auth::authenticator: extension ${JSON.stringify(id)} cannot authenticate ` +
        `outgoing requests`,
    );
  }
  return extension;
}
