// Bounds on what one HTTP/2 connection may cost a server, for every `node:http2` server session
// (gRPC and OTLP/HTTP over TLS):
//
// - streams the client resets before they were answered are rate limited (a token bucket); past
//   it the session gets GOAWAY `ENHANCE_YOUR_CALM` and is closed. This is the mitigation HTTP/2
//   servers adopted after the "rapid reset" attack (CVE-2023-44487): opening and cancelling
//   streams costs the client nothing and the server a handler each.
// - gRPC keepalive as in grpc-go (`keepalive.server_parameters` / `enforcement_policy` of the Go
//   collector's `configgrpc`): idle and age limits, server pings, and clients that ping more
//   often than `min_time` are sent GOAWAY `ENHANCE_YOUR_CALM` ("too_many_pings") after two
//   strikes.
// - a session with no stream for `idle_timeout` is closed (OTLP/HTTP over HTTP/2).

import * as http2 from "node:http2";
import { guardSessionTeardown } from "./http2.ts";

/** Limits of one server session. Durations in milliseconds; 0 means none. */
export interface SessionLimits {
  /** Resets by the client a session may make in a burst before the rate applies. */
  resetBurst: number;
  /** Resets per second the bucket refills with. */
  resetRatePerSecond: number;
  /** GOAWAY after this long without an open stream (`max_connection_idle`, `idle_timeout`). */
  maxConnectionIdleMs: number;
  /** GOAWAY after this long in total (`max_connection_age`). */
  maxConnectionAgeMs: number;
  /** After the age GOAWAY, streams get this long before the session is closed. */
  maxConnectionAgeGraceMs: number;
  /** Ping the client after this long without frames from it (`time`). */
  keepaliveTimeMs: number;
  /** Close the session when a ping is not answered within this (`timeout`). */
  keepaliveTimeoutMs: number;
  /** Pings closer together than this are strikes (`enforcement_policy.min_time`); 0: any. */
  minPingIntervalMs: number;
  /** Whether pings are allowed while no stream is open (`permit_without_stream`). */
  permitPingWithoutStream: boolean;
}

/** grpc-go's defaults, and a reset budget in line with nghttp2's own mitigation. */
export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  resetBurst: 200,
  resetRatePerSecond: 50,
  maxConnectionIdleMs: 0,
  maxConnectionAgeMs: 0,
  maxConnectionAgeGraceMs: 0,
  keepaliveTimeMs: 2 * 60 * 60 * 1000,
  keepaliveTimeoutMs: 20_000,
  minPingIntervalMs: 5 * 60 * 1000,
  permitPingWithoutStream: false,
};

/** Strikes a client's pings may earn before the session is closed (grpc-go's value). */
const MAX_PING_STRIKES = 2;

/** What a protected session reports, for logs and tests. */
export interface SessionEvents {
  /** The session was sent GOAWAY and closed for `reason`. */
  onViolation?(reason: "rapid_reset" | "too_many_pings", session: http2.Http2Session): void;
}

/**
 * Applies {@linkcode SessionLimits} to a server session (and the teardown guard every session
 * needs under Deno 2.9). Call it from the server's `session` event.
 *
 * @returns A function that counts a stream opened on the session; call it from `stream`.
 */
export function protectSession(
  session: http2.ServerHttp2Session,
  limits: SessionLimits,
  events: SessionEvents = {},
): (stream: http2.ServerHttp2Stream) => void {
  guardSessionTeardown(session);
  let tokens = limits.resetBurst;
  let refilledAt = performance.now();
  let openStreams = 0;
  let lastPing = -Infinity;
  let pingStrikes = 0;
  let violated = false;
  const timers: ReturnType<typeof setTimeout>[] = [];

  const violation = (reason: "rapid_reset" | "too_many_pings") => {
    if (violated || session.destroyed) return;
    violated = true;
    events.onViolation?.(reason, session);
    try {
      session.goaway(
        http2.constants.NGHTTP2_ENHANCE_YOUR_CALM,
        0,
        new TextEncoder().encode(reason),
      );
    } catch {
      // already going away
    }
    // close() ends the session once the GOAWAY frame is written and open streams are done (a
    // destroy() right away can drop the frame on a busy machine); new streams are refused.
    session.close();
    setTimeout(() => session.destroy(), 1000);
  };

  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  const armIdle = () => {
    clearTimeout(idleTimer);
    idleTimer = undefined;
    if (limits.maxConnectionIdleMs > 0 && openStreams === 0) {
      idleTimer = setTimeout(() => session.close(), limits.maxConnectionIdleMs);
    }
  };
  armIdle();

  if (limits.maxConnectionAgeMs > 0) {
    timers.push(setTimeout(() => {
      session.close();
      if (limits.maxConnectionAgeGraceMs > 0) {
        timers.push(setTimeout(() => session.destroy(), limits.maxConnectionAgeGraceMs));
      }
    }, limits.maxConnectionAgeMs));
  }

  if (limits.keepaliveTimeMs > 0) {
    let lastActivity = performance.now();
    const activity = () => (lastActivity = performance.now());
    session.on("stream", activity);
    session.on("ping", activity);
    const check = () => {
      if (session.destroyed || session.closed) return;
      const quiet = performance.now() - lastActivity;
      if (quiet < limits.keepaliveTimeMs) {
        timers.push(setTimeout(check, limits.keepaliveTimeMs - quiet));
        return;
      }
      const answer = setTimeout(() => session.destroy(), limits.keepaliveTimeoutMs || 20_000);
      timers.push(answer);
      try {
        session.ping((error) => {
          clearTimeout(answer);
          if (error) return;
          activity();
          timers.push(setTimeout(check, limits.keepaliveTimeMs));
        });
      } catch {
        clearTimeout(answer);
      }
    };
    timers.push(setTimeout(check, limits.keepaliveTimeMs));
  }

  session.on("ping", () => {
    const now = performance.now();
    const tooSoon = now - lastPing < limits.minPingIntervalMs;
    const withoutStream = openStreams === 0 && !limits.permitPingWithoutStream;
    lastPing = now;
    if ((tooSoon || withoutStream) && ++pingStrikes > MAX_PING_STRIKES) violation("too_many_pings");
  });

  session.once("close", () => {
    clearTimeout(idleTimer);
    for (const timer of timers) clearTimeout(timer);
  });

  return (stream) => {
    openStreams++;
    clearTimeout(idleTimer);
    // A stream that gets data resets the ping strikes, as grpc-go does on data frames.
    pingStrikes = 0;
    let answered = false;
    stream.once("wantTrailers", () => (answered = true));
    const respond = stream.respond.bind(stream);
    stream.respond = ((...args: Parameters<typeof stream.respond>) => {
      answered = true;
      return respond(...args);
    }) as typeof stream.respond;
    stream.once("close", () => {
      openStreams--;
      armIdle();
      if (answered || stream.rstCode === http2.constants.NGHTTP2_NO_ERROR) return;
      const now = performance.now();
      tokens = Math.min(
        limits.resetBurst,
        tokens + (now - refilledAt) / 1000 * limits.resetRatePerSecond,
      );
      refilledAt = now;
      tokens -= 1;
      if (tokens < 0) violation("rapid_reset");
    });
  };
}

/**
 * The sessions of one HTTP/2 server: each new one gets the server's SETTINGS and
 * {@linkcode protectSession}, and {@linkcode ServerSessions.close} ends them all gracefully.
 */
export class ServerSessions {
  readonly #sessions = new Set<http2.ServerHttp2Session>();
  readonly #streams = new Set<http2.ServerHttp2Stream>();
  readonly #maxConcurrentStreams: number;
  readonly #limits: SessionLimits;
  readonly #events: SessionEvents;
  #closing = false;

  /**
   * Creates an empty set.
   *
   * @param maxConcurrentStreams Sent in each session's SETTINGS.
   * @param limits Applied to each session.
   * @param events Told when a session is closed for abuse.
   */
  constructor(maxConcurrentStreams: number, limits: SessionLimits, events: SessionEvents = {}) {
    this.#maxConcurrentStreams = maxConcurrentStreams;
    this.#limits = limits;
    this.#events = events;
  }

  /** Takes a new session (call from the server's `session` event). */
  adopt(session: http2.ServerHttp2Session): void {
    if (this.#closing) {
      session.destroy();
      return;
    }
    this.#sessions.add(session);
    session.once("close", () => this.#sessions.delete(session));
    // Deno's node:http2 ignores the server's `settings` option; a session's own SETTINGS work.
    try {
      session.settings({ maxConcurrentStreams: this.#maxConcurrentStreams });
    } catch {
      // the session is already closing
    }
    const track = protectSession(session, this.#limits, this.#events);
    session.on("stream", (stream: http2.ServerHttp2Stream) => {
      track(stream);
      this.#streams.add(stream);
      stream.once("close", () => this.#streams.delete(stream));
    });
  }

  /**
   * Sends GOAWAY on every session (no new streams), lets open streams finish for up to
   * `graceMs`, then destroys what is left (Deno's `session.close()` does not end an idle session
   * by itself).
   */
  async close(graceMs: number): Promise<void> {
    this.#closing = true;
    for (const session of this.#sessions) session.close();
    const deadline = performance.now() + graceMs;
    while (this.#streams.size > 0 && performance.now() < deadline) {
      await new Promise((wake) => setTimeout(wake, 10));
    }
    for (const session of this.#sessions) session.destroy();
  }
}
