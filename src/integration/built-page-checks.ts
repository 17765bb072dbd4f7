/**
 * Checks a built page for the failures Astro lets through with exit code 0: a Mermaid fence
 * that was never turned into a diagram, an error shown in a diagram's place, and a page whose main
 * content came out empty. These are the last line of defence: the build reports such problems
 * where they arise, and this catches any that a cache or a new code path lets slip past.
 */

export interface PageFinding {
  page: string;
  message: string;
}

export function checkBuiltPage(page: string, html: string): PageFinding[] {
  const findings: PageFinding[] = [];
  if (/class="[^"]*language-mermaid|data-language="mermaid"/.test(html)) {
    findings.push({
      page,
      message:
        'a Mermaid code block was published as plain code instead of a diagram (is "mermaid" in markdown.syntaxHighlight.excludeLangs?)',
    });
  }
  if (/class="diagram-error"/.test(html)) {
    findings.push({
      page,
      message:
        "a diagram could not be rendered and the page shows an error in its place (the diagram's own problem is reported with its file and line)",
    });
  }
  const main = /<main\b[^>]*>([\s\S]*?)<\/main>/.exec(html);
  if (main) {
    const text = main[1]!
      .replace(/<(script|style)\b[\s\S]*?<\/\1>/g, '')
      .replace(/<[^>]+>/g, '')
      .trim();
    if (text.length === 0) findings.push({ page, message: 'the page was built with an empty <main>' });
  }
  const body = /<div class="prose[^"]*"[^>]*data-incident-body[^>]*>([\s\S]*?)<\/div>\s*<!-- \/incident-body -->/.exec(
    html,
  );
  if (body && body[1]!.replace(/<[^>]+>/g, '').trim().length === 0) {
    findings.push({ page, message: 'the incident body rendered empty (an error while rendering its Markdown?)' });
  }
  return findings;
}
