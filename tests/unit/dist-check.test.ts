import { describe, expect, it } from 'vitest';
import { checkBuiltPage } from '../../src/integration/built-page-checks.ts';

const page = (main: string) =>
  `<!doctype html><html><head><title>x</title></head><body><header>Site</header><main>${main}</main></body></html>`;
const incidentBody = (inner: string) =>
  `<h1>T</h1><div class="prose incident-body" data-incident-body>${inner}</div>\n<!-- /incident-body -->`;

describe('checkBuiltPage', () => {
  it('flags an error shown in place of a diagram', () => {
    const html = page(
      incidentBody('<p>Text</p><p class="diagram-error" role="alert">Diagram could not be rendered: …</p>'),
    );
    expect(checkBuiltPage('p.html', html)).toEqual([
      { page: 'p.html', message: expect.stringContaining('a diagram could not be rendered') },
    ]);
  });
  it('passes a page with content and a rendered diagram', () => {
    expect(
      checkBuiltPage('incidents/x/index.html', page(incidentBody('<p>Text</p><svg id="mermaid-1"></svg>'))),
    ).toEqual([]);
  });

  it('flags a Mermaid fence published as code, by class or by data-language', () => {
    const byClass = page('<pre class="astro-code language-mermaid"><code>flowchart LR</code></pre>');
    const byData = page('<pre data-language="mermaid"><code>flowchart LR</code></pre>');
    for (const html of [byClass, byData]) {
      expect(checkBuiltPage('p.html', html)).toEqual([
        {
          page: 'p.html',
          message: expect.stringContaining('a Mermaid code block was published as plain code instead of a diagram'),
        },
      ]);
    }
  });

  it('flags an empty <main>, even when it holds scripts and styles', () => {
    expect(checkBuiltPage('p.html', page('  <script>var x = "text";</script><style>p{}</style> <div></div> '))).toEqual(
      [{ page: 'p.html', message: 'the page was built with an empty <main>' }],
    );
  });

  it('flags an incident body that rendered empty', () => {
    expect(checkBuiltPage('p.html', page(incidentBody('  <p> </p> ')))).toEqual([
      { page: 'p.html', message: 'the incident body rendered empty (an error while rendering its Markdown?)' },
    ]);
  });

  it('does not look for <main> in pages that have none', () => {
    expect(checkBuiltPage('sitemap.html', '<html><body>links</body></html>')).toEqual([]);
  });
});
