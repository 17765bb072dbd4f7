/** The theme button (ThemeToggle.astro): system, light, dark in turn, remembered in localStorage. */
export {};

const KEY = 'aftermath:theme';
const ORDER = ['system', 'light', 'dark'] as const;
type Choice = (typeof ORDER)[number];
const button = document.querySelector<HTMLButtonElement>('.theme-toggle');

function current(): Choice {
  const saved = localStorage.getItem(KEY);
  return saved === 'light' || saved === 'dark' ? saved : 'system';
}

function apply(choice: Choice) {
  if (choice === 'system') {
    delete document.documentElement.dataset.theme;
    localStorage.removeItem(KEY);
  } else {
    document.documentElement.dataset.theme = choice;
    localStorage.setItem(KEY, choice);
  }
  if (button) {
    button.textContent = `Theme: ${choice}`;
    button.setAttribute(
      'aria-label',
      `Theme: ${choice}. Switch to ${ORDER[(ORDER.indexOf(choice) + 1) % ORDER.length]}`,
    );
  }
}

if (button) {
  button.hidden = false;
  apply(current());
  button.addEventListener('click', () => apply(ORDER[(ORDER.indexOf(current()) + 1) % ORDER.length]!));
}
