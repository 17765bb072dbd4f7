// Gives Astro the incidents under content/incidents/.
export { collections } from 'aftermath/collections';
