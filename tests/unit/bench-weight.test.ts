import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  assetKind,
  cssUrls,
  jsStaticImports,
  measurePageWeight,
  pageAssetUrls,
  resolveSitePath,
} from '../../bench/weight.ts';

const HTML = `<!doctype html><html><head>
<link rel="canonical" href="https://example.com/incidents/x/">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="alternate" type="application/atom+xml" href="/feeds/incidents.atom">
<link rel="stylesheet" href="/_astro/Base.abc.css">
<link rel=modulepreload href='/_astro/chunk.js'>
<script src="/theme.js"></script>
<script type="module" src="/_astro/toggle.js"></script>
<!-- <script src="/commented-out.js"></script> -->
</head><body>
<img src="../../images/a.png" alt="">
<img src="data:image/png;base64,AAAA" alt="">
<picture><source srcset="/images/b.webp 1x, /images/b@2x.webp 2x"><img src="/images/b.png" alt=""></picture>
<svg><text>inline diagram</text></svg>
</body></html>`;

describe('finding assets', () => {
  it('lists what the page loads, not feeds, links or data: URIs', () => {
    expect(pageAssetUrls(HTML)).toEqual([
      '/favicon.svg',
      '/_astro/Base.abc.css',
      '/_astro/chunk.js',
      '/theme.js',
      '/_astro/toggle.js',
      '../../images/a.png',
      '/images/b.webp',
      '/images/b@2x.webp',
      '/images/b.png',
    ]);
  });
  it('follows static imports only', () => {
    const code = `import{a as b}from"./chunk.A1.js";import "./side.js";export{c}from'/_astro/x.js';const l=()=>import("./lazy.js");import x from "react";`;
    expect(jsStaticImports(code)).toEqual(['./chunk.A1.js', './side.js', '/_astro/x.js']);
  });
  it('reads url() and @import from CSS', () => {
    const css = `@import "./more.css";@font-face{src:url(/fonts/a.woff2) format("woff2"),url('b.woff')}.x{background:url("data:image/svg+xml,<svg/>")}.y{mask:url(#m)}`;
    expect(cssUrls(css).sort()).toEqual(['./more.css', '/fonts/a.woff2', 'b.woff']);
  });
  it('classifies by extension', () => {
    expect(assetKind('/a.css')).toBe('css');
    expect(assetKind('/a.mjs')).toBe('js');
    expect(assetKind('/a.svg?v=1')).toBe('images');
    expect(assetKind('/a.woff2')).toBe('other');
  });
  it('resolves paths against the referring file and keeps only this site', () => {
    expect(resolveSitePath('../../images/a.png', '/incidents/x/index.html')).toBe('/images/a.png');
    expect(resolveSitePath('./chunk.js', '/_astro/a.js')).toBe('/_astro/chunk.js');
    expect(resolveSitePath('/x.css?v=2#top', '/index.html')).toBe('/x.css');
    expect(resolveSitePath('https://cdn.example.net/a.js', '/index.html')).toBeUndefined();
    expect(resolveSitePath('http://localhost:4321/og/x.png', '/index.html', 'http://localhost:4321')).toBe('/og/x.png');
  });
});

describe('measurePageWeight', () => {
  const files: Record<string, string> = {
    '/incidents/x/index.html': HTML,
    '/favicon.svg': '<svg/>',
    '/_astro/Base.abc.css': `body{color:red}@font-face{src:url(/fonts/a.woff2)}`.repeat(20),
    '/fonts/a.woff2': 'FONT',
    '/_astro/chunk.js': 'export const a=1;',
    '/theme.js': 'document.documentElement.dataset.theme="dark";',
    '/_astro/toggle.js': 'import{a}from"./chunk.js";import"./extra.js";console.log(a);',
    '/_astro/extra.js': 'console.log(2);',
    '/images/a.png': 'PNG',
    '/images/b.webp': 'WEBP1',
    '/images/b.png': 'PNG2',
  };
  const read = (path: string) => (path in files ? Buffer.from(files[path]!) : undefined);
  const weight = measurePageWeight('/incidents/x/', read);

  it('counts each file once, by kind, and names what is missing', () => {
    expect(weight.html.files).toBe(1);
    expect(weight.css.files).toBe(1);
    expect(weight.js.files).toBe(4);
    expect(weight.images.files).toBe(4);
    expect(weight.other.files).toBe(1);
    expect(weight.missing).toEqual(['/images/b@2x.webp']);
    expect(weight.total.files).toBe(1 + 1 + 4 + 4 + 1);
  });

  it('weighs raw bytes and each file gzipped on its own', () => {
    expect(weight.html.rawBytes).toBe(Buffer.byteLength(HTML));
    expect(weight.html.gzipBytes).toBe(gzipSync(Buffer.from(HTML)).length);
    expect(weight.css.gzipBytes).toBeLessThan(weight.css.rawBytes);
    const parts = [weight.html, weight.css, weight.js, weight.images, weight.other];
    expect(weight.total.rawBytes).toBe(parts.reduce((n, p) => n + p.rawBytes, 0));
    expect(weight.total.gzipBytes).toBe(parts.reduce((n, p) => n + p.gzipBytes, 0));
  });

  it('fails for a page that is not there', () => {
    expect(() => measurePageWeight('/nope/', read)).toThrow(/not found/);
  });
});
