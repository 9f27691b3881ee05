/**
 * Receiver factories: how a component that brings telemetry into the collector is described and created.
 *
 * @module
 */

export {};
