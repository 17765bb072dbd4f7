// `astro dev` only (Base.astro loads it through Vite's file server, so it has import.meta.hot;
// a build never contains it). Vite reloads open pages after a save, but a page
// that is itself loading at that moment has no connection yet and never hears it. So once the
// page's connection to the dev server is up (and again after a reconnect), it asks once whether
// the content it was rendered from is still current, and reloads if not. From then on Vite's
// own reloads reach it, and a check every second catches one that came too early.
const meta = document.querySelector('meta[name="aftermath-content-stamp"]');
// Asked when the script runs and again when the connection opens, however close together: a
// change whose reload went out between the two (the page not yet connected) is only seen by the
// second question.
const check = async () => {
  try {
    const response = await fetch(meta.dataset.endpoint, { cache: 'no-store' });
    if (response.ok && (await response.text()) !== meta.content) location.reload();
  } catch {
    // The server is restarting: Vite reloads the page when it is back.
  }
};
if (meta && import.meta.hot) {
  import.meta.hot.on('vite:ws:connect', check);
  void check();
  // And every second while the page is in view: a reload Vite sends while the server is busy
  // (a whole archive read after a save, on a loaded machine) can come before the new content is
  // there, and the page would keep the old one. One small request a second, in dev only.
  setInterval(() => {
    if (document.visibilityState === 'visible') void check();
  }, 1000);
}
