/**
 * Exporter factories and the exporter helper.
 *
 * @module
 */

export {};
