// @ts-check
import { defineConfig } from 'astro/config';
import aftermath from 'aftermath';

export default defineConfig({
  // The public address of the site, for canonical links, feeds and exports. The deploy workflow
  // sets SITE_URL and BASE_PATH (the /<repository>/ of a GitHub project page) for GitHub Pages.
  site: process.env.SITE_URL || 'http://localhost:4321',
  base: process.env.BASE_PATH || '/',
  trailingSlash: 'always',
  integrations: [
    aftermath({
      title: 'Postmortems',
      // Also: description, logo, nav, base, incidents, pdf, socialCards, components.
      // Each is explained in Aftermath's docs/configuration.md.
    }),
  ],
});
