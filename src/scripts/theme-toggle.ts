/** The theme button (ThemeToggle.astro): system, light, dark in turn, remembered in localStorage. */
export {};

const KEY = 'aftermath:theme';
const ORDER = ['system', 'light', 'dark'] as const;
type Choice = (typeof ORDER)[number];
const button = document.querySelector<HTMLButtonElement>('.theme-toggle');
// The page's words (ThemeToggle.astro): "Theme: {choice}", "Theme: {choice}. Switch to {next}", the choices.
const words = JSON.parse(button?.dataset.words ?? '{}') as Record<'label' | 'switch' | Choice, string>;
const say = (template: string, choice: Choice, next?: Choice) =>
  template.replace('{choice}', words[choice]).replace('{next}', next ? words[next] : '');

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
    button.textContent = say(words.label, choice);
    button.setAttribute('aria-label', say(words.switch, choice, ORDER[(ORDER.indexOf(choice) + 1) % ORDER.length]));
  }
}

if (button) {
  button.hidden = false;
  apply(current());
  button.addEventListener('click', () => apply(ORDER[(ORDER.indexOf(current()) + 1) % ORDER.length]!));
}
