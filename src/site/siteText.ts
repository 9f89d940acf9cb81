// The service's own texts (the accessibility statement) are typed as plain text, never HTML, so an administrator
// edits words rather than tags: "## " starts a heading, lines starting "- " make a bulleted list, a blank line starts
// a paragraph, and web and e-mail addresses become links. Everything else is escaped.

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const linkPattern =
  /(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)'])|([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;

/** Escapes a line and turns its web and e-mail addresses into links. */
function inline(text: string): string {
  let html = '';
  let last = 0;
  for (const match of text.matchAll(linkPattern)) {
    const [whole, url, email] = match;
    html += escapeHtml(text.slice(last, match.index));
    const href = url ?? `mailto:${email}`;
    html += `<a class="govuk-link" href="${escapeHtml(href)}">${escapeHtml(whole)}</a>`;
    last = match.index + whole.length;
  }
  return html + escapeHtml(text.slice(last));
}

export function siteTextToHtml(text: string): string {
  const blocks = text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((block) => block.trim())
    .filter((block) => block !== '');
  const html: string[] = [];
  for (const block of blocks) {
    const lines = block.split('\n').map((line) => line.trim());
    let paragraph: string[] = [];
    let items: string[] = [];
    const endParagraph = () => {
      if (paragraph.length) html.push(`<p class="govuk-body">${paragraph.map(inline).join('<br>')}</p>`);
      paragraph = [];
    };
    const endList = () => {
      if (items.length)
        html.push(
          `<ul class="govuk-list govuk-list--bullet">${items.map((item) => `<li>${inline(item)}</li>`).join('')}</ul>`,
        );
      items = [];
    };
    for (const line of lines) {
      if (line.startsWith('## ')) {
        endParagraph();
        endList();
        html.push(`<h2 class="govuk-heading-m">${inline(line.slice(3).trim())}</h2>`);
      } else if (/^[-*•] /.test(line)) {
        endParagraph();
        items.push(line.slice(2).trim());
      } else {
        endList();
        paragraph.push(line);
      }
    }
    endParagraph();
    endList();
  }
  return html.join('\n');
}
