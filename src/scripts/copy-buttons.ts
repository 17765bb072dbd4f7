/** Copy buttons (CopyButton.astro): shown only where the clipboard can be written. */
export {};

for (const button of document.querySelectorAll<HTMLButtonElement>('button.copy-button')) {
  if (!navigator.clipboard) continue;
  button.hidden = false;
  const label = button.textContent;
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(button.dataset.copy ?? '');
      button.textContent = button.dataset.done ?? 'Copied';
    } catch {
      button.textContent = button.dataset.failed ?? 'Copy failed';
    }
    setTimeout(() => (button.textContent = label), 2000);
  });
}
