/** "You are here" in the table of contents (TableOfContents.astro). */
export {};

// "You are here": the link of the last section whose heading has passed the top fifth of the
// window gets aria-current="location" (styled in global.css). Kept tiny; the list works without it.
const links = [...document.querySelectorAll<HTMLAnchorElement>('[data-toc] a[href^="#"]')];
const targets = links.map((a) => document.getElementById(decodeURIComponent(a.hash.slice(1))));
let current: Element | undefined;
let queued = false;
const mark = () => {
  queued = false;
  let found = links[0];
  targets.forEach((target, i) => {
    if (target && target.getBoundingClientRect().top <= innerHeight / 5) found = links[i];
  });
  if (found === current) return;
  current?.removeAttribute('aria-current');
  found?.setAttribute('aria-current', 'location');
  current = found;
  // Beside the text the list scrolls in its own box: keep the marked link inside it.
  const box = found?.closest('details');
  if (
    found &&
    box &&
    box.scrollHeight > box.clientHeight &&
    Math.abs(found.offsetTop - box.scrollTop - box.clientHeight / 2) > box.clientHeight / 2 - 40
  ) {
    box.scrollTop = found.offsetTop - box.clientHeight / 2;
  }
};
if (links.length > 0) {
  addEventListener('scroll', () => queued || ((queued = true), requestAnimationFrame(mark)), { passive: true });
  addEventListener('resize', mark);
  mark();
}
