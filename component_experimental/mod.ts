/**
 * EXPERIMENTAL: the profiles signal for the component model. May change or be removed in a later release.
 *
 * @module
 */

export {};
