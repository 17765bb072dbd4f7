/** Text that Aftermath writes into the Mermaid diagrams it generates (fix graph, wire traces). */

/**
 * Mermaid's entity codes keep quotes, ampersands, angle brackets and `#…;` sequences in labels
 * from being read as syntax or HTML. One pass, so the `;` of an entity just written is never
 * escaped again.
 */
const ENTITIES: Record<string, string> = {
  '&': '#amp;',
  '"': '#quot;',
  '<': '#lt;',
  '>': '#gt;',
  '#': '#35;',
  ';': '#59;',
};

export function escapeMermaidText(text: string): string {
  return text.replace(/[&"<>#;]/g, (c) => ENTITIES[c]!);
}
