/**
 * The compiler's own guard over incident MDX, behind the archive's checks (src/archive/mdx-checks.ts):
 * whatever would run code on the build machine (an `import`, an `export`, a `{…}` expression,
 * an attribute written as code) is taken out of the tree before MDX turns it into a module, so it
 * can never run, even from a file the archive has not read yet (the dev server may render a page
 * from a file just saved). An unknown component becomes a visible note instead of the MDX
 * runtime's stack trace. Each is reported as a located problem; a build that meets one fails.
 *
 * A site that opts in to code (`aftermath({ allowMdxCode: true })`) keeps its code as written.
 */
import type { Root } from 'mdast';
import { relative } from 'node:path';
import { unknownComponentMessage } from '../archive/mdx-checks.ts';
import type { MdxComponent } from '../archive/mdx/component.ts';
import { attributeRunsCode, expressionRunsCode } from '../archive/story.ts';
import type { ContentProblem } from '../schemas/problems.ts';

export interface ContentGuardOptions {
  root: string;
  allowCode: boolean;
  /** The components an incident may use (src/archive/mdx/registry.ts). */
  components: readonly Pick<MdxComponent, 'name'>[];
  onProblem(problem: ContentProblem): void;
}

interface MdxNode {
  type: string;
  value?: string;
  name?: string | null;
  data?: unknown;
  attributes?: { type: string; name?: string; value?: unknown }[];
  children?: MdxNode[];
  position?: { start: { line: number } };
}

const FLOW = new Set(['mdxJsxFlowElement', 'mdxFlowExpression', 'mdxjsEsm']);
const JSX = new Set(['mdxJsxFlowElement', 'mdxJsxTextElement']);

/** Why this node may not be compiled as written, or undefined. */
function refusal(node: MdxNode, { allowCode, components }: ContentGuardOptions): string | undefined {
  if (!allowCode) {
    if (node.type === 'mdxjsEsm')
      return 'import and export are not allowed in an incident (they run code at build time)';
    if ((node.type === 'mdxFlowExpression' || node.type === 'mdxTextExpression') && expressionRunsCode(node))
      return '{…} is not allowed in an incident (it runs code at build time)';
    if (JSX.has(node.type) && node.attributes?.some(attributeRunsCode))
      return `<${node.name}> has an attribute written as code, which is not allowed in an incident (it runs at build time)`;
  }
  const name = node.name ?? '';
  if (JSX.has(node.type) && /^[A-Z]/.test(name) && !components.some((c) => c.name === name.split('.')[0]))
    return allowCode ? undefined : unknownComponentMessage(name, components);
  return undefined;
}

export default function remarkContentGuard(options: ContentGuardOptions) {
  return (tree: Root, file: { path?: string }) => {
    const where = file.path ? relative(options.root, file.path) : 'unknown file';
    const walk = (node: MdxNode) => {
      node.children?.forEach((child, index) => {
        const message = refusal(child, options);
        if (message === undefined) return walk(child);
        options.onProblem({ file: where, line: child.position?.start.line, message });
        const flow = FLOW.has(child.type);
        node.children![index] = {
          type: flow ? 'mdxJsxFlowElement' : 'mdxJsxTextElement',
          name: flow ? 'p' : 'span',
          attributes: [
            { type: 'mdxJsxAttribute', name: 'role', value: 'alert' },
            { type: 'mdxJsxAttribute', name: 'className', value: 'mdx-refused' },
          ],
          children: [{ type: 'text', value: message }],
        };
      });
    };
    walk(tree as unknown as MdxNode);
  };
}
