/**
 * The denocol collector distribution: the core components and the command line.
 *
 * @module
 */

export {};
