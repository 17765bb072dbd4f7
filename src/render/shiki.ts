/**
 * Shiki gives each line 500 ms to tokenize and, past that, silently returns partial tokens:
 * on a busy build machine the same code then comes out with wrong or missing colours from one
 * build to the next. Turning the per-line limit off makes highlighting deterministic.
 */
import type { ShikiTransformer } from 'shiki';

export const noTokenizeTimeLimit: ShikiTransformer = {
  name: 'aftermath:no-tokenize-time-limit',
  preprocess(_code, options) {
    options.tokenizeTimeLimit = 0;
  },
};
