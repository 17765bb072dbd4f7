import { describe, expect, it } from 'vitest';
import { renderSafeMarkdown } from '../../src/lib/safe-markdown.ts';

describe('renderSafeMarkdown', () => {
  it('renders Markdown', () => {
    expect(renderSafeMarkdown('We are **investigating**.\n\n- one\n- two')).toBe('<p>We are <strong>investigating</strong>.</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>');
  });
  it('makes hostile text inert', () => {
    const html = renderSafeMarkdown('Update: <script>alert(1)</script> <img src=x onerror="alert(2)"> [click](javascript:alert(3))');
    expect(html).not.toMatch(/<script|onerror|javascript:/i);
    expect(html).toContain('Update:');
    expect(html).toContain('click');
  });
  it('opens external links without handing over the page', () => {
    expect(renderSafeMarkdown('[status](https://status.example.com/x)')).toContain('href="https://status.example.com/x" rel="noopener noreferrer"');
  });
});
