/**
 * Connector factories: components that are an exporter of one pipeline and a receiver of another.
 *
 * @module
 */

export {};
