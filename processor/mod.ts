/**
 * Processor factories and the processor helper.
 *
 * @module
 */

export {};
