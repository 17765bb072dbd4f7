/** `/favicon.svg`: Aftermath's icon, unless the site's logo is an SVG (then the header links that instead). */
import type { APIRoute } from 'astro';
import source from '../assets/favicon.svg?raw';

export const GET: APIRoute = () => new Response(source, { headers: { 'Content-Type': 'image/svg+xml' } });
