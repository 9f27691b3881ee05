/**
 * Consumers of traces, metrics and logs: the interfaces a pipeline is made of, fan-out, and the error model that carries permanent and retryable failures back to receivers.
 *
 * @module
 */

export {};
