import { describe, expect, it } from 'vitest';
import { generateIncident } from '../../bench/generate.ts';
import { isPlainProse, renderSafeMarkdown, renderThroughPipeline } from '../../src/exports/safe-markdown.ts';
import { parse } from 'yaml';

describe('renderSafeMarkdown', () => {
  it('renders Markdown', () => {
    expect(renderSafeMarkdown('We are **investigating**.\n\n- one\n- two')).toBe(
      '<p>We are <strong>investigating</strong>.</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>',
    );
  });
  it('makes hostile text inert', () => {
    const html = renderSafeMarkdown(
      'Update: <script>alert(1)</script> <img src=x onerror="alert(2)"> [click](javascript:alert(3))',
    );
    expect(html).not.toMatch(/<script|onerror|javascript:/i);
    expect(html).toContain('Update:');
    expect(html).toContain('click');
  });
  it('opens external links without handing over the page', () => {
    expect(renderSafeMarkdown('[status](https://status.example.com/x)')).toContain(
      'href="https://status.example.com/x" rel="noopener noreferrer"',
    );
  });
});

describe('the plain-prose shortcut', () => {
  // Timeline bodies of generated incidents (what real archives mostly hold), and texts made to trip it.
  const generated = Array.from({ length: 30 }, (_, i) => generateIncident(7, i)).flatMap((incident) =>
    (parse(incident.files['timeline.yaml']!) as { body?: string }[]).flatMap((e) => (e.body ? [e.body] : [])),
  );
  const tricky = [
    'Plain words.',
    "It's 50% done (mostly): retry; then wait?",
    'Überlastung in Köln, 3 Knoten.',
    'Version 4.5.5 - released',
    'A - b',
    '1. first',
    '- item',
    'Go to www.example.com now',
    'see http://example.com',
    'mail ops@example.com',
    'Trailing spaces  ',
    ' Leading space',
    'Two\nlines',
    'Emphasis *here*',
    'A_b_c',
    'x < y & z',
    'Title\n===',
    '# heading',
    'A "quote"',
  ];

  it('gives exactly what the whole pipeline gives, for every text it takes', () => {
    const taken = [...generated, ...tricky].filter(isPlainProse);
    for (const text of taken) expect(renderSafeMarkdown(text), text).toBe(renderThroughPipeline(text));
    // It must actually take the common case, or it saves nothing.
    expect(generated.filter(isPlainProse).length).toBeGreaterThan(generated.length / 2);
  });

  it('leaves anything with Markdown, HTML, links or layout to the pipeline', () => {
    for (const text of [
      '1. first',
      '- item',
      'Go to www.example.com now',
      'see http://example.com',
      'mail ops@example.com',
      'Trailing spaces  ',
      ' Leading space',
      'Two\nlines',
      'Emphasis *here*',
      'A_b_c',
      'x < y & z',
      '# heading',
      'A "quote"',
    ]) {
      expect(isPlainProse(text), text).toBe(false);
    }
  });
});
