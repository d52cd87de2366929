// Types for eslint-layers.js (plain JavaScript, so ESLint can load it without a build step).
import type { Linter } from 'eslint';

export const BROWSER_BOUND_LIB: string[];
export const layerRules: Linter.Config[];
