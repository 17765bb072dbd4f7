/**
 * `astro dev` only (injected by the integration): the content stamp a page would be rendered
 * with now. An open page asks once connected and reloads when it differs from its own (dev-reload-client.js).
 */
import type { APIRoute } from 'astro';
import { getCollection } from 'astro:content';
import { contentStamp } from '../view/content-stamp.ts';
import { currentDevProblems } from './dev-problems.ts';

export const GET: APIRoute = async () =>
  new Response(contentStamp(await getCollection('incidents'), currentDevProblems()), {
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  });
