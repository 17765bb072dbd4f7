/**
 * Atlassian Statuspage (public API v2) as a timeline source: which address to read, how an
 * incident's updates become timeline entries (their HTML-ish bodies become Markdown in
 * statuspage-body.ts).
 */
import { COMPONENT_STATUSES, STATUS_KINDS } from '../../schemas/timeline.ts';
import { isInstant, parseTimestamp } from '../../domain/time.ts';
import { ImportError } from '../error.ts';
import { exactMs, type ImportedTimelineEntry } from '../merge/timeline.ts';
import type { ImportIO, JsonRequest, TimelineSource } from '../source.ts';
import { statuspageBodyToMarkdown } from './statuspage-body.ts';

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
    throw new ImportError(
      `"${input}" is not a valid address. Give the status page's address, e.g. https://status.example.com/incidents/abc123`,
    );
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ImportError(`"${input}" uses ${parsed.protocol}; only https:// (or http://) addresses can be read`);
  }
  // Query and fragment never select an incident; dropping them keeps the derived addresses clean.
  const path = parsed.pathname.replace(/\/+$/, '');
  const origin = parsed.origin;

  const agree = (fromUrl: string): string => {
    if (wanted && wanted !== fromUrl) {
      throw new ImportError(
        `the address names incident "${fromUrl}" but --incident says "${wanted}"; give only one of them, or make them agree`,
        { field: '--incident' },
      );
    }
    return fromUrl;
  };

  const single = API_SINGLE.exec(path);
  if (single) {
    return {
      kind: 'url',
      url: `${origin}${path}`,
      incidentId: agree(decodeURIComponent(single[2]!)),
      pageUrl: origin + single[1]!,
    };
  }
  const list = API_ANY.exec(path);
  if (list) return { kind: 'url', url: `${origin}${path}`, incidentId: wanted, pageUrl: origin + list[1]! };

  const page = INCIDENT_PAGE.exec(path);
  if (page) {
    const id = agree(decodeURIComponent(page[2]!));
    return {
      kind: 'url',
      url: `${origin}${page[1]}/api/v2/incidents/${encodeURIComponent(id)}.json`,
      incidentId: id,
      pageUrl: origin + page[1]!,
    };
  }
  if (!wanted) {
    throw new ImportError(
      `which incident? Add --incident <id> (the last part of the incident's address, e.g. abc123 in ${origin}${path}/incidents/abc123), or give the incident's address itself`,
    );
  }
  return {
    kind: 'url',
    url: `${origin}${path}/api/v2/incidents/${encodeURIComponent(wanted)}.json`,
    incidentId: wanted,
    pageUrl: origin + path,
  };
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
export function findIncident(
  document: unknown,
  incidentId: string | undefined,
  origin: string,
): { incident: StatuspageIncident; page: StatuspagePage } {
  if (!isRecord(document)) {
    throw new ImportError(
      `${origin} is not a Statuspage API document: expected a JSON object with "incident" or "incidents"`,
      { file: origin },
    );
  }
  const page: StatuspagePage = isRecord(document.page) ? (document.page as StatuspagePage) : {};
  const single = document.incident ?? document.scheduled_maintenance;
  if (isRecord(single)) {
    const incident = checkIncident(single, origin);
    if (incidentId && incident.id !== incidentId) {
      throw new ImportError(`${origin} holds incident "${incident.id}", not "${incidentId}"`, {
        file: origin,
        field: '--incident',
      });
    }
    return { incident, page };
  }
  const lists = [document.incidents, document.scheduled_maintenances].filter(Array.isArray) as unknown[][];
  if (lists.length === 0) {
    throw new ImportError(
      `${origin} is not a Statuspage incidents document: found ${
        Object.keys(document)
          .map((k) => `"${k}"`)
          .join(', ') || 'an empty object'
      }, expected "incident" or "incidents"`,
      { file: origin },
    );
  }
  const candidates = lists.flat().filter(isRecord);
  const ids = candidates.map((c) => String(c.id));
  if (!incidentId) {
    throw new ImportError(
      `${origin} lists ${candidates.length} incident(s); choose one with --incident <id>. Found: ${ids.join(', ') || 'none'}`,
      { file: origin, field: '--incident' },
    );
  }
  const found = candidates.find((c) => c.id === incidentId);
  if (!found) {
    throw new ImportError(
      `incident "${incidentId}" is not in ${origin}, which lists ${candidates.length === 0 ? 'no incidents' : `${candidates.length}: ${ids.join(', ')}`}. ` +
        "incidents.json holds only the most recent incidents; give the incident's own address (https://<status page>/incidents/<id>) instead",
      { file: origin, field: '--incident' },
    );
  }
  return { incident: checkIncident(found, origin), page };
}

function checkIncident(value: Record<string, unknown>, origin: string): StatuspageIncident {
  if (typeof value.id !== 'string' || value.id === '') {
    throw new ImportError(`${origin}: the incident has no "id"; is this a Statuspage API document?`, {
      file: origin,
      field: 'id',
    });
  }
  const updates = value.incident_updates;
  if (updates !== undefined && updates !== null && !Array.isArray(updates)) {
    throw new ImportError(`${origin}: incident "${value.id}" has "incident_updates" that is not a list`, {
      file: origin,
      field: 'incident_updates',
    });
  }
  return value as unknown as StatuspageIncident;
}

/**
 * The addresses that name the incident: the first is written as `source`; all of them identify
 * entries imported earlier (an author may have pasted the shortlink instead of the page address).
 * The page's `url` from the payload wins over the address the user typed, which may be a mirror.
 */
export function incidentAddresses(
  incident: StatuspageIncident,
  page: StatuspagePage,
  pageUrlFromInput?: string,
): string[] {
  const bases = [page.url, pageUrlFromInput].filter(
    (u): u is string => typeof u === 'string' && /^https?:\/\//.test(u),
  );
  const addresses = bases.map((base) => `${base.replace(/\/+$/, '')}/incidents/${encodeURIComponent(incident.id)}`);
  if (typeof incident.shortlink === 'string' && /^https?:\/\//.test(incident.shortlink))
    addresses.push(incident.shortlink);
  const unique = [...new Set(addresses)];
  if (unique.length === 0) {
    throw new ImportError(
      `cannot tell the address of incident "${incident.id}": the document has no page.url and no shortlink. Import from the status page's address instead of a file`,
    );
  }
  return unique;
}

// ---------------------------------------------------------------------------------------------
// Updates → timeline entries
// ---------------------------------------------------------------------------------------------

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
      problems.push(
        `${where} has status ${update.status == null ? 'missing' : `"${update.status}"`}, which cannot be mapped to a timeline kind`,
      );
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
        problems.push(
          `${where}: component "${name}" has new_status ${JSON.stringify(c.new_status ?? null)}; expected one of ${COMPONENT_STATUSES.join(', ')}`,
        );
        continue;
      }
      const from =
        c.old_status === null || c.old_status === undefined || c.old_status === '' ? undefined : c.old_status;
      if (from !== undefined && !isComponentStatus(from)) {
        problems.push(
          `${where}: component "${name}" has old_status "${from}"; expected one of ${COMPONENT_STATUSES.join(', ')}`,
        );
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
    throw new ImportError(
      `cannot import incident "${incident.id}": ${problems.length} of its ${updates.length} update(s) cannot be mapped, and no update is ever dropped:\n  - ${problems.join('\n  - ')}${statusHint}`,
      { field: 'incident_updates' },
    );
  }
  if (entries.length !== updates.length) {
    // Unreachable unless the loop above changes; the promise "one entry per update" is checked anyway.
    throw new ImportError(`internal error: ${updates.length} update(s) in, ${entries.length} timeline entries out`);
  }
  // Statuspage lists updates newest first; a timeline reads oldest first. The sort is stable.
  return entries.sort((a, b) => exactMs(a.at) - exactMs(b.at));
}

function updateTime(
  update: StatuspageUpdate,
  where: string,
  problems: string[],
): { text: string; backdated: boolean } | undefined {
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
  const backdated =
    field === 'display_at' &&
    created !== undefined &&
    isInstant(created) &&
    created.ms - parsed.ms > BACKDATED_AFTER_MS;
  return { text, backdated };
}

// ---------------------------------------------------------------------------------------------
// The source
// ---------------------------------------------------------------------------------------------

/** What `read` hands to `map`: the API document and where it came from (for messages). */
export interface StatuspagePayload {
  document: unknown;
  /** The address or file it was read from. */
  origin: string;
}

/** How a request to a status page can fail, in words. */
function statuspageRequest(): JsonRequest {
  return {
    headers: { Accept: 'application/json', 'User-Agent': 'aftermath-import-statuspage' },
    failed: ({ status, statusText, url }) =>
      status === 404
        ? `incident not found: ${url} answered 404 Not Found. Check the incident id (the last part of the incident's address) and the status page's address`
        : `${url} answered ${status} ${statusText}; try again later, or save the JSON by hand and import the file`,
    notJson: ({ url, contentType, text }) => {
      const start = text.trim().slice(0, 60).replace(/\s+/g, ' ');
      return `${url} did not answer with JSON (${contentType}; it starts with "${start}${text.length > 60 ? '…' : ''}"). Is this a Statuspage status page? Give its address, e.g. https://status.example.com/incidents/<id>`;
    },
    unreachable: ({ url, timedOut, reason, seconds }) =>
      timedOut
        ? `no answer from ${url} within ${seconds} s; check the address and your connection`
        : `could not reach ${url} (${reason}); check the address and your internet connection`,
  };
}

/** Statuspage: an incident's updates (from the API or a saved JSON file) as timeline entries. */
export const statuspage: TimelineSource<StatuspageInput, StatuspagePayload> = {
  name: 'statuspage',
  target: 'timeline',
  kinds: STATUS_KINDS,
  words: { subject: 'incident', entry: 'update', origin: 'the status page' },

  async read(input: StatuspageInput, io: ImportIO): Promise<StatuspagePayload> {
    if (input.kind === 'url') return { document: await io.getJson(input.url, statuspageRequest()), origin: input.url };
    const document = io.readJsonFile(input.path, {
      missing: (path) =>
        `no such file: ${path}. Give a status page address (https://…) or a JSON file saved from its API`,
      notJson: (path, reason) =>
        `${path} is not JSON (${reason}); save the API's answer (…/api/v2/incidents/<id>.json) as it is`,
    });
    return { document, origin: input.path };
  },

  map({ document, origin }, input) {
    const { incident, page } = findIncident(document, input.incidentId, origin);
    const sources = incidentAddresses(incident, page, input.kind === 'url' ? input.pageUrl : undefined);
    return {
      entries: timelineEntriesFromIncident(incident, sources[0]!),
      sources,
      subject: `${incident.name ? `"${incident.name}" ` : ''}(${incident.id})`,
    };
  },
};
