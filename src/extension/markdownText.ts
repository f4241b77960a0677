/**
 * Text inside `vscode.MarkdownString`s built from span data (hovers, tooltips, view messages):
 * every CommonMark punctuation character that could start markup is backslash-escaped, so a span
 * name or prompt never renders as a link, image, heading or HTML.
 */

/** `text` with markdown punctuation escaped (CommonMark "backslash escapes"). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
