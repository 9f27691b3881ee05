import type { Component } from "@denocol/component";

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
