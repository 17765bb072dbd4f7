/**
 * `"Queue backlog: 2 h of delayed orders"` → `queue-backlog-2-h-of-delayed-orders`. Accents are
 * dropped ("Zürich" → "zurich"); with `maxLength`, the slug is cut at a word boundary so it does
 * not end in half a word.
 */
export function slugify(text: string, maxLength = Infinity): string {
  const words = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // accents split off by NFKD: "é" → "e"
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (words.length <= maxLength) return words;
  const cut = words.slice(0, maxLength + 1);
  const lastHyphen = cut.lastIndexOf('-');
  return (lastHyphen > 0 ? cut.slice(0, lastHyphen) : cut.slice(0, maxLength)).replace(/-+$/, '');
}
