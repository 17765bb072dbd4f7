import { expect, it } from 'vitest';
import { compactSvg } from '../../src/render/svg-compact.ts';

it('rounds geometry to a tenth of a pixel and drops Mermaid bookkeeping', () => {
  const svg =
    '<svg viewBox="0 0 2450.47998046875 14.25"><path d="M-14.671875 -19.5 C-5.0388793874122175 -19.5, 14.671874999999998 -0.0001" data-points="W3t9XQ==" /><text>3.14159 stays</text></svg>';
  expect(compactSvg(svg)).toBe(
    '<svg viewBox="0 0 2450.5 14.3"><path d="M-14.7 -19.5 C-5 -19.5, 14.7 0" /><text>3.14159 stays</text></svg>',
  );
});

it('reads numbers that path data runs together, and keeps them apart', () => {
  expect(compactSvg('<path d="M1.5.256 2.004.125L-.75-.125"/>')).toBe('<path d="M1.5 0.3 2 0.1L-0.7-0.1"/>');
  expect(compactSvg('<path d="M10 20L1e-5 3.25"/>')).toBe('<path d="M10 20L1e-5 3.3"/>');
});
