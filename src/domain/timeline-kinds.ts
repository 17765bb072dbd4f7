/**
 * The kinds of timeline entry: a status page's updates and the postmortem's own events. The
 * timeline schema validates against these, the timeline's merge and the exports sort by them.
 */
export const STATUS_KINDS = ['investigating', 'identified', 'monitoring', 'update', 'resolved', 'postmortem'] as const;
export const EVENT_KINDS = [
  'trigger',
  'impact-start',
  'impact-end',
  'detected',
  'mitigated',
  'deploy',
  'communication',
  'note',
] as const;
export const TIMELINE_KINDS = [...STATUS_KINDS, ...EVENT_KINDS] as const;
