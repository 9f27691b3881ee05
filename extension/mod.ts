/**
 * Extension factories: components outside pipelines, such as authenticators and storage.
 *
 * @module
 */

export {};
