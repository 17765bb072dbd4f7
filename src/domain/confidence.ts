/**
 * How a value that was not read in a primary source is labelled wherever it appears (timeline
 * rows, facts in the prose, the facts table, the Markdown export): "estimated" values are this
 * site's inferences.
 */
export const CONFIDENCE_WORD: Record<'secondary' | 'estimated', string> = {
  secondary: 'secondary source',
  estimated: 'inference',
};
