/**
 * The service that turns configuration and factories into a running collector.
 *
 * @module
 */

export * from "./config/mod.ts";
