// @ts-check
// This repository's own site (the bundled incidents), built with the Aftermath package exactly
// as a team's site is: the integration by name, content under content/incidents/.
import { defineConfig } from 'astro/config';
import sitemap from '@astrojs/sitemap';
import aftermath from 'aftermath';

export default defineConfig({
  // The public address of the site (used for canonical URLs and the sitemap); set SITE_URL when deploying.
  site: process.env.SITE_URL || 'http://localhost:4321',
  // The sub-path the site is served under, e.g. /postmortems/ for GitHub project pages.
  base: process.env.BASE_PATH || '/',
  // src/ is Aftermath's own code; the site's few files (its content.config.ts) live in site/.
  srcDir: './site',
  trailingSlash: 'always',
  integrations: [
    aftermath({
      title: 'Aftermath',
      description: 'Incident postmortems with their timelines, fix history and verified reproductions.',
      // The incidents are written in English; the flagship also has a Chinese edition (/zh-cn/).
      locales: ['en', 'zh-cn'],
    }),
    // Each page's editions as alternates in the sitemap: the locales' URL prefixes and languages.
    sitemap({ i18n: { defaultLocale: 'en', locales: { en: 'en', 'zh-cn': 'zh-CN' } } }),
  ],
});
