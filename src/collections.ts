/**
 * `aftermath/collections`: the incidents collection, which a site hands to Astro from its
 * src/content.config.ts with one line: export { collections } from 'aftermath/collections';
 */
import { defineCollection } from 'astro:content';
import type { Loader, LoaderContext } from 'astro/loaders';
import { z } from 'astro/zod';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { INCIDENTS_DIR, readArchive, sharedArchiveOptions, takeSharedArchive } from './archive/archive.ts';
import type { IncidentRecord } from './domain/incident-record.ts';
import { ContentError, type ContentProblem } from './schemas/problems.ts';
import { splitFrontmatter } from './domain/mdx-source.ts';
import { reportDevProblems } from './integration/dev-problems.ts';

export type IncidentData = Omit<IncidentRecord, 'body'>;

/**
 * A translated story (`index.<locale>.mdx`), stored beside its incident under `<locale>/<slug>`
 * so that Astro renders its MDX; everything else about it is in the incident's `translations`.
 */
export interface TranslatedStoryData {
  translationOf: string;
  locale: string;
}

/** The incidents' entries, then their translated stories' (told apart by `translationOf`). */
export type IncidentsEntryData = IncidentData | TranslatedStoryData;

/**
 * Loads every incident folder through Aftermath's own validation (friendly, located errors)
 * and hands the MDX file to Astro for rendering.
 *
 * In `astro dev` it reads the archive again after every save under content/ (index.mdx, the
 * YAML files, a repro's files: a changed snippet makes its recording stale at once). Problems
 * are printed once and shown in a banner on every page (src/integration/dev-problems.ts); an
 * incident that a problem leaves out keeps its last valid version meanwhile where it can (its
 * page stays where the author is looking), and the fix brings the current files back.
 */
function incidentsLoader(): Loader {
  return {
    name: 'aftermath-incidents',
    load: async ({ store, config, logger, watcher }) => {
      const root = fileURLToPath(config.root);
      let first = true;
      let shown = new Map<string, IncidentRecord>();
      let stored: string | undefined;
      const sync = () => {
        const { incidents, problems } =
          (first && takeSharedArchive(root)) || readArchive(root, sharedArchiveOptions(root));
        first = false;
        if (!watcher && problems.length > 0) throw new ContentError(problems);
        const current = new Map(incidents.map((incident) => [incident.dir, incident]));
        if (watcher) {
          reportDevProblems(problems, logger);
          for (const [dir, previous] of shown) {
            const broken = problems.some((p) => p.file === dir || p.file.startsWith(`${dir}/`));
            if (!current.has(dir) && broken && rendersAsBefore(dir, problems)) current.set(dir, previous);
          }
        }
        shown = current;
        const entries = [...current.values()].flatMap(({ body, ...record }) => {
          // The stories' text is rendered from their files; the store keeps only what the pages read.
          const data = { ...record, translations: record.translations.map(({ body: _, ...t }) => t) };
          const digest = createHash('sha256').update(JSON.stringify(data)).update(body).digest('hex');
          return [
            { id: data.slug, data: data as IncidentsEntryData, filePath: data.file, digest },
            ...record.translations.flatMap((t) =>
              t.file
                ? [
                    {
                      id: `${t.locale}/${data.slug}`,
                      data: { translationOf: data.slug, locale: t.locale },
                      filePath: t.file,
                      digest: createHash('sha256')
                        .update(digest)
                        .update(t.body ?? '')
                        .digest('hex'),
                    },
                  ]
                : [],
            ),
          ];
        });
        // A read that finds what the store already holds leaves it alone: rewriting it would
        // reload every open page (Astro does so on each store write) for nothing.
        const signature = entries.map((e) => e.digest).join();
        if (signature === stored) return;
        stored = signature;
        store.clear();
        for (const { id, data, filePath, digest } of entries) {
          // No `body`: the MDX file itself is rendered (deferredRender), and nothing reads the
          // text from the store, which is written to disk and loaded again on every build.
          store.set({ id, data: data as unknown as Record<string, unknown>, filePath, digest, deferredRender: true });
        }
      };
      /**
       * The last valid version can stand in only while the story itself renders: its MDX is read
       * from the file as it is now, and a problem below the frontmatter (an unknown component,
       * a <Ref> to nothing) would fail the page. Then the incident is left out until fixed.
       */
      const rendersAsBefore = (dir: string, problems: readonly ContentProblem[]) => {
        const file = join(dir, 'index.mdx');
        if (!existsSync(join(root, file))) return false;
        const split = splitFrontmatter(readFileSync(join(root, file), 'utf8'));
        return (
          split !== undefined &&
          !problems.some((p) => p.file === file && (p.line === undefined || p.line >= split.bodyLine))
        );
      };
      sync();
      if (!watcher) return;
      // The folder that holds the incidents and the PII allowlist beside them. One save fires
      // several events (an editor's temporary file, then the file): they are read as one.
      const contentDir = join(root, dirname(sharedArchiveOptions(root).incidents ?? INCIDENTS_DIR));
      const read = () => {
        try {
          sync();
        } catch (error) {
          // A folder removed while it was read, say: the next save reads it again.
          logger.error(`could not read the content folder: ${(error as Error).message}`);
        }
      };
      watchContent(contentDir, watcher, read);
    },
  };
}

/**
 * Calls `read` after a save under `contentDir`: when the watcher reports it, and otherwise
 * within a second, from a comparison of the folder's files (size and time) with those at the
 * last read: a save the watcher never passes on (a folder mounted from a container or another
 * machine, an event lost on a loaded machine) still reaches the open pages.
 */
function watchContent(contentDir: string, watcher: NonNullable<LoaderContext['watcher']>, read: () => void): void {
  let pending: ReturnType<typeof setTimeout> | undefined;
  let settle: ReturnType<typeof setTimeout> | undefined;
  let seen = folderState(contentDir);
  const readNow = () => {
    seen = folderState(contentDir);
    read();
  };
  watcher.add(contentDir);
  watcher.on('all', (_event, path) => {
    if (!path.startsWith(`${contentDir}/`)) return;
    clearTimeout(pending);
    clearTimeout(settle);
    pending = setTimeout(() => {
      readNow();
      // A file read between its truncation and its new bytes may fire no later event that
      // the watcher passes on (same mtime): one more read catches the save as it ended. An
      // unchanged archive leaves the store, and the open pages, as they are.
      settle = setTimeout(readNow, 500);
    }, 50);
  });
  clearInterval(folderCheck);
  folderCheck = setInterval(() => {
    if (folderState(contentDir) !== seen) readNow();
  }, 1000);
  folderCheck.unref();
}

/** The dev server's one folder check (a reloaded content config starts it again). */
let folderCheck: ReturnType<typeof setInterval> | undefined;

/** Every file under `dir` with its size and modification time, as one string to compare. */
function folderState(dir: string): string {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const path = join(entry.parentPath, entry.name);
        const { size, mtimeMs } = statSync(path);
        return `${path}\0${size}\0${mtimeMs}`;
      })
      .sort()
      .join('\n');
  } catch {
    // A file removed while the folder was listed: the next check lists it again.
    return '';
  }
}

export const collections = {
  incidents: defineCollection({
    loader: incidentsLoader(),
    // Validation already happened in readArchive; this only carries the type to the pages.
    schema: z.custom<IncidentsEntryData>(() => true),
  }),
};
