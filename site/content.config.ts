// Aftermath's incidents collection: the one line every Aftermath site has.
export { collections } from 'aftermath/collections';
