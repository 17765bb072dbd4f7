/**
 * The site's only script on a page: each behaviour is a module of its own that acts when its
 * component is on the page, and they go out as one file (fewer requests, less gzip overhead
 * than one file per component). Every page works without it.
 */
import './theme-toggle.ts';
import './copy-buttons.ts';
import './toc-location.ts';
import './time-zone.ts';
