// Applies the reader's saved theme before the page paints (loaded in <head>, so no flash).
// Without a saved choice, or without JavaScript, the page follows the system theme.
try {
  var theme = localStorage.getItem('aftermath:theme');
  if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme;
} catch {
  // Storage can be unavailable (private modes, blocked cookies): keep following the system.
}
