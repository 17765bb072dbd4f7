import { defineCollection } from 'astro:content';
import type { Loader } from 'astro/loaders';
import { z } from 'astro/zod';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { readArchive, takeSharedArchive, type IncidentRecord } from './archive/archive.ts';
import { ContentError, formatProblems } from './schemas/problems.ts';

export type IncidentData = Omit<IncidentRecord, 'body'>;

/**
 * Loads every incident folder through Aftermath's own validation (friendly, located errors)
 * and hands the MDX file to Astro for rendering.
 */
function incidentsLoader(): Loader {
  return {
    name: 'aftermath-incidents',
    load: async ({ store, config, logger, watcher }) => {
      const root = fileURLToPath(config.root);
      let first = true;
      const sync = () => {
        const { incidents, problems } = (first && takeSharedArchive(root)) || readArchive(root);
        first = false;
        if (problems.length > 0) {
          if (!watcher) throw new ContentError(problems);
          logger.error(formatProblems(problems));
        }
        store.clear();
        for (const { body, ...data } of incidents) {
          const digest = createHash('sha256').update(JSON.stringify(data)).update(body).digest('hex');
          // No `body`: the MDX file itself is rendered (deferredRender), and nothing reads the
          // text from the store, which is written to disk and loaded again on every build.
          store.set({ id: data.slug, data, filePath: data.file, digest, deferredRender: true });
        }
      };
      sync();
      // The whole content folder: incidents, and the PII allowlist beside them.
      watcher?.add(`${root}/content`);
      watcher?.on('all', (_event, path) => {
        if (path.startsWith(`${root}/content/`)) sync();
      });
    },
  };
}

export const collections = {
  incidents: defineCollection({
    loader: incidentsLoader(),
    // Validation already happened in readArchive; this only carries the type to the pages.
    schema: z.custom<IncidentData>(() => true),
  }),
};
