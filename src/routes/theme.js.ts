/**
 * `/theme.js`: applies the reader's saved theme before the page paints. A file of its own (not
 * inline, which the pages' Content-Security-Policy forbids), loaded blocking in <head>.
 */
import type { APIRoute } from 'astro';
import source from '../scripts/theme-early.js?raw';

export const GET: APIRoute = () => new Response(source, { headers: { 'Content-Type': 'text/javascript' } });
