// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import sitemap from '@astrojs/sitemap';
import aftermath from './src/integration/index.ts';

export default defineConfig({
  // The public address of the site (used for canonical URLs and the sitemap); set SITE_URL when deploying.
  site: process.env.SITE_URL || 'http://localhost:4321',
  // The sub-path the site is served under, e.g. /postmortems/ for GitHub project pages.
  base: process.env.BASE_PATH || '/',
  trailingSlash: 'always',
  integrations: [aftermath(), mdx(), sitemap()],
  vite: {
    build: {
      rolldownOptions: {
        // Cosmetic warning for every MDX content entry in Astro 7 (withastro/astro#18087).
        onwarn(warning, defaultHandler) {
          if (warning.code === 'MODULE_LEVEL_DIRECTIVE' && warning.message.includes('astro:head-inject')) return;
          defaultHandler(warning);
        },
      },
    },
  },
});
