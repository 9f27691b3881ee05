/**
 * Identity, kinds, stability levels and the lifecycle shared by every denocol component.
 *
 * @module
 */

export {};
