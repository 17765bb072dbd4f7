/**
 * `astro dev` only (injected by the integration): the content stamp a page would be rendered
 * with now. Open pages poll it and reload when it differs from theirs (dev-reload-client.js).
 */
import type { APIRoute } from 'astro';
import { getCollection } from 'astro:content';
import { contentStamp } from '../view/content-stamp.ts';
import { currentDevProblems } from './dev-problems.ts';

export const GET: APIRoute = async () =>
  new Response(contentStamp(await getCollection('incidents'), currentDevProblems()), {
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  });
