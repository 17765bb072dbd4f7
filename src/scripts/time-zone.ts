/** The time-zone toggle (TimeZoneToggle.astro): the reader's own zone for every timeline time, remembered. */
export {};

const KEY = 'aftermath:local-times';
const box = document.querySelector<HTMLElement>('.tz-toggle');
const button = box?.querySelector('button');
// The page's words (TimeZoneToggle.astro): the button's label is the page's until the first switch.
const mine = button?.textContent?.trim() ?? '';
const status = box?.querySelector('span');
const times = [...document.querySelectorAll<HTMLTimeElement>('time[data-utc-ms]')];
const original = new Map(times.map((t) => [t, t.textContent ?? '']));
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const format = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'short',
});

function apply(local: boolean) {
  for (const t of times) {
    t.textContent = local ? format.format(Number(t.dataset.utcMs)) : (original.get(t) ?? '');
  }
  button?.setAttribute('aria-pressed', String(local));
  if (button) button.textContent = local ? (box?.dataset.theirs ?? '') : mine;
  if (status) status.textContent = local ? (box?.dataset.shown ?? '').replace('{zone}', zone) : '';
}

if (box && button && times.length > 0) {
  box.hidden = false;
  let local = localStorage.getItem(KEY) === '1';
  apply(local);
  button.addEventListener('click', () => {
    local = !local;
    localStorage.setItem(KEY, local ? '1' : '0');
    apply(local);
  });
}
