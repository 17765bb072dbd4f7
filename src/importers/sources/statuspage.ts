/**
 * Atlassian Statuspage (public API v2) → `timeline.yaml`: which address to ask, how an
 * incident's updates become timeline entries, how their HTML-ish bodies become plain Markdown,
 * and how imported entries merge into a timeline an author has already edited.
 *
 * Everything here is pure (text and objects in, text and objects out); fetching and files are
 * `scripts/import-statuspage.ts`'s job. Errors are {@link StatuspageImportError}s whose message
 * is meant to be printed as it is.
 */
import { Document, isSeq, parseDocument, Scalar, YAMLSeq, type YAMLMap } from 'yaml';
import { parseYaml, problemsFromZod, type ContentProblem } from '../../schemas/problems.ts';
import { COMPONENT_STATUSES, STATUS_KINDS, timelineSchema } from '../../schemas/timeline.ts';
import { isInstant, parseTimestamp } from '../../domain/time.ts';
import { setInOrder, writeEditedSequence, type OriginalStep, type SequencePlanItem } from '../yaml-edit.ts';

/** A problem with the input, the payload or the result, worded for the person running the import. */
export class StatuspageImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StatuspageImportError';
  }
}

type StatusKind = (typeof STATUS_KINDS)[number];
type ComponentStatus = (typeof COMPONENT_STATUSES)[number];

/**
 * Every update status Statuspage uses, with the timeline kind it becomes and the title shown.
 * Scheduled maintenances have their own four statuses; each maps to the incident status that
 * means the same to a reader, and the title keeps Statuspage's own word.
 */
export const STATUSPAGE_STATUSES: Readonly<Record<string, { kind: StatusKind; title: string }>> = {
  investigating: { kind: 'investigating', title: 'Investigating' },
  identified: { kind: 'identified', title: 'Identified' },
  monitoring: { kind: 'monitoring', title: 'Monitoring' },
  update: { kind: 'update', title: 'Update' },
  resolved: { kind: 'resolved', title: 'Resolved' },
  postmortem: { kind: 'postmortem', title: 'Postmortem' },
  scheduled: { kind: 'update', title: 'Scheduled' },
  in_progress: { kind: 'update', title: 'In progress' },
  verifying: { kind: 'monitoring', title: 'Verifying' },
  completed: { kind: 'resolved', title: 'Completed' },
};

// ---------------------------------------------------------------------------------------------
// Where to read
// ---------------------------------------------------------------------------------------------

/** What the importer should read: an address of the API, or a JSON file saved from it. */
export type StatuspageInput =
  | {
      kind: 'url';
      /** The API address to fetch. */
      url: string;
      /** The incident to import, when the address or `--incident` names it. */
      incidentId: string | undefined;
      /** The status page's own address (`https://status.example.com`), derived from the input. */
      pageUrl: string;
    }
  | { kind: 'file'; path: string; incidentId: string | undefined };

const API_SINGLE = /^(.*)\/api\/v2\/(?:incidents|scheduled-maintenances)\/([^/]+)\.json$/;
const API_ANY = /^(.*)\/api\/v2\/[\w/.-]+\.json$/;
const INCIDENT_PAGE = /^(.*)\/incidents\/([^/]+)$/;

/**
 * Turns what the user typed into what to read. Accepts an API address (`…/api/v2/incidents.json`
 * or `…/api/v2/incidents/<id>.json`), an incident page (`https://status.example.com/incidents/abc`),
 * a status page's base address (then `incidentId` is needed), or a path to a saved JSON file.
 * Plain `http:` is allowed so tests and local mirrors work.
 */
export function resolveStatuspageInput(input: string, incidentId?: string): StatuspageInput {
  const wanted = incidentId?.trim() || undefined;
  if (!/^[a-z][a-z\d+.-]*:\/\//i.test(input)) return { kind: 'file', path: input, incidentId: wanted };

  let parsed: URL;
  try {
    parsed = new URL(input);
  } catch {
    throw new StatuspageImportError(`"${input}" is not a valid address. Give the status page's address, e.g. https://status.example.com/incidents/abc123`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new StatuspageImportError(`"${input}" uses ${parsed.protocol}; only https:// (or http://) addresses can be read`);
  }
  // Query and fragment never select an incident; dropping them keeps the derived addresses clean.
  const path = parsed.pathname.replace(/\/+$/, '');
  const origin = parsed.origin;

  const agree = (fromUrl: string): string => {
    if (wanted && wanted !== fromUrl) {
      throw new StatuspageImportError(`the address names incident "${fromUrl}" but --incident says "${wanted}"; give only one of them, or make them agree`);
    }
    return fromUrl;
  };

  const single = API_SINGLE.exec(path);
  if (single) {
    return { kind: 'url', url: `${origin}${path}`, incidentId: agree(decodeURIComponent(single[2]!)), pageUrl: origin + single[1]! };
  }
  const list = API_ANY.exec(path);
  if (list) return { kind: 'url', url: `${origin}${path}`, incidentId: wanted, pageUrl: origin + list[1]! };

  const page = INCIDENT_PAGE.exec(path);
  if (page) {
    const id = agree(decodeURIComponent(page[2]!));
    return { kind: 'url', url: `${origin}${page[1]}/api/v2/incidents/${encodeURIComponent(id)}.json`, incidentId: id, pageUrl: origin + page[1]! };
  }
  if (!wanted) {
    throw new StatuspageImportError(
      `which incident? Add --incident <id> (the last part of the incident's address, e.g. abc123 in ${origin}${path}/incidents/abc123), or give the incident's address itself`,
    );
  }
  return { kind: 'url', url: `${origin}${path}/api/v2/incidents/${encodeURIComponent(wanted)}.json`, incidentId: wanted, pageUrl: origin + path };
}

// ---------------------------------------------------------------------------------------------
// The payload
// ---------------------------------------------------------------------------------------------

/** The fields of a Statuspage incident update this importer reads (others are ignored). */
export interface StatuspageUpdate {
  id?: string | null;
  status?: string | null;
  body?: string | null;
  created_at?: string | null;
  display_at?: string | null;
  affected_components?: StatuspageAffectedComponent[] | null;
}

/** A component whose status an update changed (`old_status` is null when it had none). */
export interface StatuspageAffectedComponent {
  code?: string | null;
  name?: string | null;
  old_status?: string | null;
  new_status?: string | null;
}

/** The fields of a Statuspage incident (or scheduled maintenance) this importer reads. */
export interface StatuspageIncident {
  id: string;
  name?: string | null;
  shortlink?: string | null;
  incident_updates?: StatuspageUpdate[] | null;
}

/** The status page itself, as each API document names it. */
export interface StatuspagePage {
  id?: string | null;
  name?: string | null;
  url?: string | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Finds the incident in a Statuspage document: `{page, incident}` (one incident), or a list such
 * as `{page, incidents: [...]}` (`incidents.json`) or `{page, scheduled_maintenances: [...]}`.
 */
export function findIncident(document: unknown, incidentId: string | undefined, origin: string): { incident: StatuspageIncident; page: StatuspagePage } {
  if (!isRecord(document)) {
    throw new StatuspageImportError(`${origin} is not a Statuspage API document: expected a JSON object with "incident" or "incidents"`);
  }
  const page: StatuspagePage = isRecord(document.page) ? (document.page as StatuspagePage) : {};
  const single = document.incident ?? document.scheduled_maintenance;
  if (isRecord(single)) {
    const incident = checkIncident(single, origin);
    if (incidentId && incident.id !== incidentId) {
      throw new StatuspageImportError(`${origin} holds incident "${incident.id}", not "${incidentId}"`);
    }
    return { incident, page };
  }
  const lists = [document.incidents, document.scheduled_maintenances].filter(Array.isArray) as unknown[][];
  if (lists.length === 0) {
    throw new StatuspageImportError(
      `${origin} is not a Statuspage incidents document: found ${Object.keys(document).map((k) => `"${k}"`).join(', ') || 'an empty object'}, expected "incident" or "incidents"`,
    );
  }
  const candidates = lists.flat().filter(isRecord);
  const ids = candidates.map((c) => String(c.id));
  if (!incidentId) {
    throw new StatuspageImportError(
      `${origin} lists ${candidates.length} incident(s); choose one with --incident <id>. Found: ${ids.join(', ') || 'none'}`,
    );
  }
  const found = candidates.find((c) => c.id === incidentId);
  if (!found) {
    throw new StatuspageImportError(
      `incident "${incidentId}" is not in ${origin}, which lists ${candidates.length === 0 ? 'no incidents' : `${candidates.length}: ${ids.join(', ')}`}. ` +
        'incidents.json holds only the most recent incidents; give the incident\'s own address (https://<status page>/incidents/<id>) instead',
    );
  }
  return { incident: checkIncident(found, origin), page };
}

function checkIncident(value: Record<string, unknown>, origin: string): StatuspageIncident {
  if (typeof value.id !== 'string' || value.id === '') {
    throw new StatuspageImportError(`${origin}: the incident has no "id"; is this a Statuspage API document?`);
  }
  const updates = value.incident_updates;
  if (updates !== undefined && updates !== null && !Array.isArray(updates)) {
    throw new StatuspageImportError(`${origin}: incident "${value.id}" has "incident_updates" that is not a list`);
  }
  return value as unknown as StatuspageIncident;
}

/**
 * The addresses that name the incident: the first is written as `source`; all of them identify
 * entries imported earlier (an author may have pasted the shortlink instead of the page address).
 * The page's `url` from the payload wins over the address the user typed, which may be a mirror.
 */
export function incidentAddresses(incident: StatuspageIncident, page: StatuspagePage, pageUrlFromInput?: string): string[] {
  const bases = [page.url, pageUrlFromInput].filter((u): u is string => typeof u === 'string' && /^https?:\/\//.test(u));
  const addresses = bases.map((base) => `${base.replace(/\/+$/, '')}/incidents/${encodeURIComponent(incident.id)}`);
  if (typeof incident.shortlink === 'string' && /^https?:\/\//.test(incident.shortlink)) addresses.push(incident.shortlink);
  const unique = [...new Set(addresses)];
  if (unique.length === 0) {
    throw new StatuspageImportError(
      `cannot tell the address of incident "${incident.id}": the document has no page.url and no shortlink. Import from the status page's address instead of a file`,
    );
  }
  return unique;
}

// ---------------------------------------------------------------------------------------------
// Updates → timeline entries
// ---------------------------------------------------------------------------------------------

/** A timeline entry as the importer writes it (before the schema fills in defaults). */
export interface ImportedTimelineEntry {
  at: string;
  kind: StatusKind;
  title: string;
  body?: string;
  components?: { name: string; from?: ComponentStatus; to: ComponentStatus }[];
  source: string;
  confidence: 'verified';
  backfilled?: true;
}

/** An update posted this much later than the time it displays was written after the fact. */
const BACKDATED_AFTER_MS = 60_000;

function describeUpdate(update: StatuspageUpdate, index: number, total: number): string {
  const id = update.id ? `id ${update.id}` : 'no id';
  const when = update.display_at ?? update.created_at;
  return `update ${index + 1} of ${total} (${id}${when ? `, ${when}` : ''})`;
}

function isComponentStatus(value: unknown): value is ComponentStatus {
  return typeof value === 'string' && (COMPONENT_STATUSES as readonly string[]).includes(value);
}

/**
 * Maps every update of the incident to one timeline entry, oldest first. It never drops an
 * update: anything it cannot map (an unknown status, a missing time, an unknown component
 * status) fails the whole import, with every such problem listed.
 */
export function timelineEntriesFromIncident(incident: StatuspageIncident, source: string): ImportedTimelineEntry[] {
  const updates = incident.incident_updates ?? [];
  const problems: string[] = [];
  const unknownStatuses = new Set<string>();
  const entries: ImportedTimelineEntry[] = [];

  updates.forEach((raw, index) => {
    const update: StatuspageUpdate = isRecord(raw) ? raw : {};
    const where = describeUpdate(update, index, updates.length);
    if (!isRecord(raw)) {
      problems.push(`${where} is not an object`);
      return;
    }
    const status = typeof update.status === 'string' ? update.status.trim().toLowerCase() : '';
    const mapping = Object.hasOwn(STATUSPAGE_STATUSES, status) ? STATUSPAGE_STATUSES[status] : undefined;
    if (!mapping) {
      unknownStatuses.add(status || '(none)');
      problems.push(`${where} has status ${update.status == null ? 'missing' : `"${update.status}"`}, which cannot be mapped to a timeline kind`);
    }

    const at = updateTime(update, where, problems);
    const components: NonNullable<ImportedTimelineEntry['components']> = [];
    for (const [i, c] of (update.affected_components ?? []).entries()) {
      const name = typeof c?.name === 'string' ? c.name.trim() : '';
      if (!name) {
        problems.push(`${where}: affected component ${i + 1} has no name`);
        continue;
      }
      if (!isComponentStatus(c.new_status)) {
        problems.push(`${where}: component "${name}" has new_status ${JSON.stringify(c.new_status ?? null)}; expected one of ${COMPONENT_STATUSES.join(', ')}`);
        continue;
      }
      const from = c.old_status === null || c.old_status === undefined || c.old_status === '' ? undefined : c.old_status;
      if (from !== undefined && !isComponentStatus(from)) {
        problems.push(`${where}: component "${name}" has old_status "${from}"; expected one of ${COMPONENT_STATUSES.join(', ')}`);
        continue;
      }
      components.push(from ? { name, from, to: c.new_status } : { name, to: c.new_status });
    }

    if (!mapping || !at) return;
    const body = statuspageBodyToMarkdown(update.body ?? '');
    // Keys in the schema's order, so a written entry reads like a hand-written one.
    entries.push({
      at: at.text,
      kind: mapping.kind,
      title: mapping.title,
      ...(body ? { body } : {}),
      ...(components.length ? { components } : {}),
      source,
      confidence: 'verified',
      ...(at.backdated ? { backfilled: true as const } : {}),
    });
  });

  if (problems.length) {
    const accepted = Object.keys(STATUSPAGE_STATUSES).join(', ');
    const statusHint = unknownStatuses.size
      ? `\n\nStatuses found that cannot be mapped: ${[...unknownStatuses].join(', ')}. Accepted: ${accepted}.`
      : '';
    throw new StatuspageImportError(
      `cannot import incident "${incident.id}": ${problems.length} of its ${updates.length} update(s) cannot be mapped, and no update is ever dropped:\n  - ${problems.join('\n  - ')}${statusHint}`,
    );
  }
  if (entries.length !== updates.length) {
    // Unreachable unless the loop above changes; the promise "one entry per update" is checked anyway.
    throw new StatuspageImportError(`internal error: ${updates.length} update(s) in, ${entries.length} timeline entries out`);
  }
  // Statuspage lists updates newest first; a timeline reads oldest first. The sort is stable.
  return entries.sort((a, b) => exactMs(a.at) - exactMs(b.at));
}

function updateTime(update: StatuspageUpdate, where: string, problems: string[]): { text: string; backdated: boolean } | undefined {
  const field = update.display_at ? 'display_at' : update.created_at ? 'created_at' : undefined;
  if (!field) {
    problems.push(`${where} has neither display_at nor created_at`);
    return undefined;
  }
  const text = String(update[field]).trim();
  const parsed = parseTimestamp(text);
  if (!isInstant(parsed)) {
    problems.push(`${where} has ${field} "${text}", which is not an ISO 8601 timestamp with an offset`);
    return undefined;
  }
  // display_at earlier than created_at means the update was posted later and backdated.
  const created = update.created_at ? parseTimestamp(update.created_at.trim()) : undefined;
  const backdated = field === 'display_at' && created !== undefined && isInstant(created) && created.ms - parsed.ms > BACKDATED_AFTER_MS;
  return { text, backdated };
}


// ---------------------------------------------------------------------------------------------
// HTML-ish bodies → plain Markdown
// ---------------------------------------------------------------------------------------------

/** Elements whose content is never text for a reader (and must never survive as markup). */
const DROPPED_WITH_CONTENT = new Set(['script', 'style', 'iframe', 'object', 'embed', 'template', 'noscript', 'textarea', 'select', 'svg', 'math', 'head', 'title', 'noembed', 'noframes', 'frameset']);
const BLOCK_ELEMENTS = new Set([
  'p', 'div', 'section', 'article', 'header', 'footer', 'aside', 'main', 'nav', 'blockquote', 'pre', 'table', 'thead', 'tbody', 'tr',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'ul', 'ol', 'dl', 'dd', 'dt', 'figure', 'figcaption', 'address', 'details', 'summary',
]);
const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ndash: '–', mdash: '—', hellip: '…', lsquo: '‘', rsquo: '’',
  ldquo: '“', rdquo: '”', laquo: '«', raquo: '»', bull: '•', middot: '·', copy: '©', reg: '®', trade: '™', deg: '°', times: '×',
  euro: '€', pound: '£', yen: '¥', cent: '¢', sect: '§', para: '¶', shy: '', zwnj: '', zwj: '', larr: '←', rarr: '→', uarr: '↑', darr: '↓',
};
/** A comment, a doctype or processing instruction, or a start or end tag with quoted attributes. */
const TOKEN = /<!--[\s\S]*?(?:-->|$)|<[!?][^>]*>|<(\/?)([a-zA-Z][a-zA-Z\d-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;

/** Decodes HTML character references: named ones from a common set, and all numeric ones. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#\d+|#x[\da-f]+|[a-z][a-z\d]*);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      // HTML maps NUL, surrogates and out-of-range values to the replacement character.
      if (!Number.isFinite(code) || code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\uFFFD';
      return String.fromCodePoint(code);
    }
    if (Object.hasOwn(NAMED_ENTITIES, ref)) return NAMED_ENTITIES[ref]!;
    const lower = ref.toLowerCase();
    return Object.hasOwn(NAMED_ENTITIES, lower) ? NAMED_ENTITIES[lower]! : whole;
  });
}

/**
 * Escapes decoded text so Markdown shows it as written and can never turn it into markup:
 * a `<` that could open a tag becomes `&lt;`, text that looks like an entity keeps its `&`,
 * and `](`, `][`, `]:` cannot form a link (whose address could be `javascript:`).
 */
function escapeMarkdownText(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/&(?=#?[a-z\d]+;)/gi, '&amp;')
    .replace(/<(?=[a-z/!?])/gi, '&lt;')
    .replace(/\](?=[([:])/g, '\\]');
}

function attribute(attributes: string, name: string): string | undefined {
  const match = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'=<>\`]+))`, 'i').exec(attributes);
  if (!match) return undefined;
  return decodeEntities(match[1] ?? match[2] ?? match[3] ?? '').trim();
}

/** Only addresses a reader can follow safely become links; `javascript:` and the like stay text. */
function safeHref(href: string | undefined): string | undefined {
  if (!href || !/^(?:https?:\/\/|mailto:)/i.test(href)) return undefined;
  return href.replace(/[\s()<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** A piece of the converted body: text from the input (escaped later, as one run) or Markdown this converter wrote. */
type BodyPart = { text: string } | { markup: string };

function partValue(part: BodyPart): string {
  return 'text' in part ? part.text : part.markup;
}

/**
 * Joins parts, escaping each run of adjacent text as a whole: a `<` and the `script>` after a
 * removed tag are one run, so they cannot meet unescaped. Markup this converter writes never
 * starts with a letter or `/`, so it cannot complete a tag either.
 */
function renderParts(parts: readonly BodyPart[]): string {
  let out = '';
  let run = '';
  for (const part of parts) {
    if ('text' in part) {
      run += part.text;
      continue;
    }
    out += escapeMarkdownText(run) + part.markup;
    run = '';
  }
  return out + escapeMarkdownText(run);
}

/**
 * Converts a Statuspage update body (plain text with line breaks, sometimes with HTML such as
 * `<a>`, `<strong>`, `<br>`, `<ul><li>`) to plain Markdown. Tags are removed and their meaning
 * kept where Markdown has it (links, emphasis, lists, line breaks); `<script>`, `<style>` and
 * similar elements are removed with their content; attributes (`onerror=` and the like) never
 * survive; entities are decoded, and text that would read as markup is escaped. Line breaks in
 * the text are kept as they are.
 */
export function statuspageBodyToMarkdown(html: string): string {
  const source = html.replace(/\r\n?/g, '\n');
  const parts: BodyPart[] = [];
  let dropping: { name: string; depth: number } | undefined;
  let skipLeadingSpace = false;
  const lists: { ordered: boolean; next: number }[] = [];
  const links: { start: number; href: string | undefined }[] = [];
  const emphasis: { name: string; start: number }[] = [];

  const tail = (length: number): string => {
    let text = '';
    for (let i = parts.length - 1; i >= 0 && text.length < length; i--) text = partValue(parts[i]!) + text;
    return text;
  };
  const trimTrailingBlanks = () => {
    while (parts.length) {
      const last = parts.at(-1)!;
      const trimmed = partValue(last).replace(/[ \t]+$/, '');
      if (trimmed) {
        parts[parts.length - 1] = 'text' in last ? { text: trimmed } : { markup: trimmed };
        return;
      }
      parts.pop();
    }
  };
  const block = (separator: '\n' | '\n\n') => {
    trimTrailingBlanks();
    const end = tail(2);
    if (parts.length && !end.endsWith(separator)) parts.push({ markup: end.endsWith('\n') ? '\n' : separator });
    skipLeadingSpace = true;
  };
  const emitText = (raw: string) => {
    let text = decodeEntities(raw).replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
    if (skipLeadingSpace) text = text.replace(/^\s+/, '');
    if (!text) return;
    skipLeadingSpace = false;
    parts.push({ text });
  };
  /** Takes the parts from `start` on out of the output (a link label, an emphasised phrase). */
  const takeFrom = (start: number): BodyPart[] => parts.splice(Math.min(start, parts.length));

  let last = 0;
  for (const match of source.matchAll(TOKEN)) {
    const before = source.slice(last, match.index);
    last = match.index + match[0].length;
    if (!dropping) emitText(before);
    const name = match[2]?.toLowerCase();
    if (!name) continue; // a comment, doctype or processing instruction
    const closing = match[1] === '/';
    const selfClosing = /\/\s*$/.test(match[3] ?? '');

    if (dropping) {
      if (name === dropping.name) dropping.depth += closing ? -1 : selfClosing ? 0 : 1;
      if (dropping.depth === 0) dropping = undefined;
      continue;
    }
    if (DROPPED_WITH_CONTENT.has(name)) {
      if (!closing && !selfClosing) dropping = { name, depth: 1 };
      continue;
    }
    if (name === 'br') {
      trimTrailingBlanks();
      parts.push({ markup: '\n' });
      skipLeadingSpace = true;
    } else if (name === 'li') {
      if (closing) continue;
      const list = lists.at(-1);
      block('\n');
      parts.push({ markup: '  '.repeat(Math.max(0, lists.length - 1)) + (list?.ordered ? `${list.next++}. ` : '- ') });
    } else if (name === 'ul' || name === 'ol') {
      if (closing) lists.pop();
      else lists.push({ ordered: name === 'ol', next: 1 });
      // A nested list starts on the next line; the outermost one is a block of its own.
      block(lists.length > (closing ? 0 : 1) ? '\n' : '\n\n');
    } else if (BLOCK_ELEMENTS.has(name)) {
      block('\n\n');
    } else if (name === 'a') {
      if (!closing) {
        links.push({ start: parts.length, href: safeHref(attribute(match[3] ?? '', 'href')) });
        continue;
      }
      const link = links.pop();
      if (!link) continue;
      const inner = takeFrom(link.start);
      const plain = inner.map(partValue).join('').trim();
      // Brackets inside the label would end it early.
      const label = renderParts(inner).trim().replace(/(?<!\\)([[\]])/g, '\\$1');
      if (link.href && plain && plain !== link.href) parts.push({ markup: `[${label}](${link.href})` });
      else if (link.href && !plain) parts.push({ text: link.href });
      else parts.push(...inner); // a bare address is linked by the renderer anyway
    } else if (['strong', 'b', 'em', 'i', 'code'].includes(name)) {
      if (!closing) {
        emphasis.push({ name, start: parts.length });
        continue;
      }
      const index = emphasis.findLastIndex((e) => e.name === name);
      if (index < 0) continue;
      const { start } = emphasis.splice(index, 1)[0]!;
      const inner = takeFrom(start);
      const rendered = renderParts(inner);
      const trimmed = rendered.trim();
      const marker = name === 'strong' || name === 'b' ? '**' : name === 'code' ? '`' : '*';
      if (!trimmed || (marker === '`' && trimmed.includes('`'))) {
        parts.push(...inner);
        continue;
      }
      // "** bold **" is not emphasis in Markdown: the spaces go outside the markers.
      const lead = rendered.slice(0, rendered.length - rendered.trimStart().length);
      const trail = rendered.slice(rendered.trimEnd().length);
      parts.push({ markup: `${lead}${marker}${trimmed}${marker}${trail}` });
    }
    // Every other tag (span, img, font, …) is removed; its text, if any, stays.
  }
  if (!dropping) emitText(source.slice(last));

  return renderParts(parts)
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

// ---------------------------------------------------------------------------------------------
// Merging into an existing timeline.yaml
// ---------------------------------------------------------------------------------------------

/** What a merge did, for the importer's report. */
export interface TimelineMergeResult {
  /** The new timeline.yaml. */
  text: string;
  added: number;
  /** Imported before and changed on the status page since (a body edited, a component added). */
  updated: number;
  /** Imported before and still the same. */
  unchanged: number;
  /** Entries in the file that did not come from this import, kept as they were. */
  kept: number;
  /** Entries that cite this incident with a status kind but match no update any more. */
  stale: string[];
}

/**
 * Fields an import refreshes on an entry it imported before. The entry's `at`, `kind` and
 * `source` identify it (so they already agree), and its `title` only restates the status, so
 * an author's better title is kept; everything else an author added (refs, notes) is kept too.
 * A field the update leaves empty (no body, no components) keeps what the author wrote.
 */
const REFRESHED_FIELDS = ['body', 'components', 'backfilled'] as const;
/** The order of timelineEntrySchema's fields, for fields added to an existing entry. */
const TIMELINE_FIELD_ORDER = ['at', 'precision', 'approximate', 'kind', 'title', 'body', 'components', 'source', 'confidence', 'confidence_note', 'backfilled', 'refs'];

/** Milliseconds of an exact timestamp; NaN for a date-only `at` or anything else. */
function exactMs(at: unknown): number {
  if (typeof at !== 'string') return Number.NaN;
  const parsed = parseTimestamp(at.trim());
  return isInstant(parsed) ? parsed.ms : Number.NaN;
}

/**
 * Merges imported entries into the text of an existing timeline.yaml (or none). An existing
 * entry is the same update when it cites one of `addresses`, has the same kind, and names the
 * same instant (`2023-03-20T08:00:00Z` and `2023-03-20T01:00:00-07:00` are the same); each
 * imported entry either refreshes such an entry or is inserted after the last entry with an
 * exact time not later than its own, so a file sorted by time stays sorted. Existing entries
 * are never reordered or dropped, and their text is kept as written unless they change.
 */
export function mergeTimelineYaml(existingText: string | undefined, imported: readonly ImportedTimelineEntry[], addresses: readonly string[]): TimelineMergeResult {
  const source = existingText?.trim() ? existingText : undefined;
  const doc = parseDocument(source ?? '[]\n');
  if (doc.errors.length) throw new StatuspageImportError(`the existing timeline is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  if (doc.contents === null) (doc as Document).contents = doc.createNode([]);
  if (!isSeq(doc.contents)) throw new StatuspageImportError('the existing timeline is not a list of entries; fix it (each entry starts with "- at:") before importing');
  const seq = doc.contents as YAMLSeq<unknown>;
  // An empty list is written `[]`; entries added to it are written as a block list.
  if (seq.items.length === 0) seq.flow = false;
  const existing = doc.toJS() as unknown[];
  const matched = new Set<number>();
  const plan: (SequencePlanItem & { ms: number })[] = existing.map((entry, i) => ({
    original: i,
    changed: false,
    ms: exactMs(isRecord(entry) ? entry.at : undefined),
  }));
  let added = 0;
  let updated = 0;

  const isOurs = (entry: unknown): entry is Record<string, unknown> =>
    isRecord(entry) && typeof entry.source === 'string' && addresses.includes(entry.source) && (STATUS_KINDS as readonly string[]).includes(entry.kind as string);

  for (const entry of imported) {
    const ms = exactMs(entry.at);
    const index = existing.findIndex((old, i) => !matched.has(i) && isOurs(old) && old.kind === entry.kind && exactMs(old.at) === ms);
    if (index >= 0) {
      matched.add(index);
      const node = seq.items[index] as YAMLMap;
      const before = JSON.stringify(node.toJSON());
      for (const field of REFRESHED_FIELDS) {
        const value = entry[field];
        if (value !== undefined) setInOrder(node, field, doc.createNode(value), TIMELINE_FIELD_ORDER);
      }
      styleEntry(node);
      if (JSON.stringify(node.toJSON()) !== before) {
        const step = plan.find((p): p is OriginalStep & { ms: number } => 'original' in p && p.original === index);
        if (step) step.changed = true;
        updated++;
      }
      continue;
    }
    let after = -1;
    plan.forEach((p, i) => {
      if (p.ms <= ms) after = i;
    });
    const position = after >= 0 ? after + 1 : Math.max(0, plan.findIndex((p) => p.ms > ms));
    plan.splice(position, 0, { added: entryNode(doc, entry), ms });
    added++;
  }
  if (added + matched.size !== imported.length) {
    throw new StatuspageImportError(`internal error: ${imported.length} update(s) to write, but only ${added + matched.size} written`);
  }

  const stale = existing.flatMap((old, i) =>
    !matched.has(i) && isOurs(old) ? [`${String(old.at)} ${String(old.kind)}: ${String(old.title ?? '')}`.trim()] : [],
  );
  return {
    text: writeEditedSequence(source, doc, seq, plan),
    added,
    updated,
    unchanged: matched.size - updated,
    kept: existing.length - matched.size,
    stale,
  };
}

function entryNode(doc: Document, entry: ImportedTimelineEntry): YAMLMap {
  const node = doc.createNode(entry) as YAMLMap;
  styleEntry(node);
  return node;
}

function styleEntry(node: YAMLMap): void {
  // Timestamps are quoted across the project's content, as the schema's messages advise.
  const at = node.get('at', true);
  if (at instanceof Scalar && at.type === undefined) at.type = Scalar.QUOTE_DOUBLE;
  // A body with line breaks is written as a literal block, which shows them as they are
  // (a folded block would re-wrap the text and hide where the breaks are).
  const body = node.get('body', true);
  if (body instanceof Scalar && typeof body.value === 'string' && body.value.includes('\n')) body.type = Scalar.BLOCK_LITERAL;
}

/** Validates a timeline.yaml text with the same schema and messages as the site's build. */
export function validateTimelineText(text: string, file: string): ContentProblem[] {
  const parsed = parseYaml(text, file);
  if (Array.isArray(parsed)) return parsed;
  const result = timelineSchema.safeParse(parsed.data ?? undefined, { reportInput: true });
  return result.success ? [] : problemsFromZod(result.error, file, parsed);
}

/** Everything the CLI needs from one Statuspage document, in one call. */
export interface StatuspageImport {
  incident: StatuspageIncident;
  entries: ImportedTimelineEntry[];
  merge: TimelineMergeResult;
}

/**
 * Picks the incident from a Statuspage document, maps its updates and merges them into the
 * existing timeline text. `origin` names the document in messages (an address or a file).
 */
export function importStatuspageIncident(options: {
  document: unknown;
  incidentId: string | undefined;
  origin: string;
  pageUrlFromInput?: string;
  existingTimeline?: string;
}): StatuspageImport {
  const { incident, page } = findIncident(options.document, options.incidentId, options.origin);
  const addresses = incidentAddresses(incident, page, options.pageUrlFromInput);
  const entries = timelineEntriesFromIncident(incident, addresses[0]!);
  const merge = mergeTimelineYaml(options.existingTimeline, entries, addresses);
  return { incident, entries, merge };
}
