import { expect, it } from 'vitest';
import { socialCardHtml } from '../../src/render/social-card.ts';
import { english } from '../../src/i18n/catalogue.ts';
import { severityWords } from '../../src/i18n/format.ts';

it('puts the facts a preview needs on the card, escaped', () => {
  const html = socialCardHtml({
    title: 'Outage <b>"bold"</b>',
    impact: 'Users & admins',
    severity: severityWords(english, 'SEV2'),
    date: '2024-06-02',
    duration: '2 h',
    site: 'Acme & co postmortems',
    kind: english('card.kind'),
    lang: 'en',
  });
  expect(html).toContain('Acme &amp; co postmortems · incident postmortem');
  expect(html).toContain('Outage &lt;b&gt;&quot;bold&quot;&lt;/b&gt;');
  expect(html).toContain('Users &amp; admins');
  expect(html).toContain('SEV2 · major');
  expect(html).toContain('width: 1200px; height: 630px');
});
