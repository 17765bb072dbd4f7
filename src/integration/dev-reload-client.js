// `astro dev` only: reloads the page once the content it was rendered from has changed. Vite's
// own reload after a save is lost when it arrives while the page is reloading; this check is not.
const meta = document.querySelector('meta[name="aftermath-content-stamp"]');
if (meta) {
  const check = async () => {
    if (!document.hidden) {
      try {
        const response = await fetch(meta.dataset.endpoint, { cache: 'no-store' });
        if (response.ok && (await response.text()) !== meta.content) {
          location.reload();
          return;
        }
      } catch {
        // The server restarts or is gone: try again later.
      }
    }
    setTimeout(check, 1000);
  };
  setTimeout(check, 1000);
}
