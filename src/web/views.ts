// Server-rendered pages: one Nunjucks environment with the GOV.UK Frontend macros and Headway's filters.
import { join } from 'node:path';
import nunjucks from 'nunjucks';
import { describeTargetDate, formatUkDate } from '../dates/ukDate.js';
import { ragLabels, statusLabels } from '../plans/vocabulary.js';
import { projectRoot } from './projectRoot.js';

export function createViews(): nunjucks.Environment {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader(
      [join(projectRoot, 'src'), join(projectRoot, 'node_modules/govuk-frontend/dist')],
      {
        noCache: process.env.NODE_ENV === 'development',
      },
    ),
    { autoescape: true, throwOnUndefined: false },
  );
  env.addFilter('ukDate', (iso: string | null | undefined) => formatUkDate(iso));
  env.addFilter('statusLabel', (status: string | null) =>
    status ? ((statusLabels as Record<string, string>)[status] ?? status) : '',
  );
  env.addFilter('ragLabel', (rag: string | null) =>
    rag ? ((ragLabels as Record<string, string>)[rag] ?? rag) : '',
  );
  env.addFilter('targetDescription', describeTargetDate);
  // Rich text is sanitised to a small allow-list on the way in (src/richtext/sanitise.ts), so it may be shown as HTML.
  env.addFilter('richText', (html: string | null | undefined) => new nunjucks.runtime.SafeString(html ?? ''));
  env.addFilter(
    'pluralise',
    (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`,
  );
  env.addFilter('errorList', (errors: Record<string, string>) =>
    Object.entries(errors).map(([field, text]) => ({ text, href: `#${field}` })),
  );
  env.addFilter('fieldError', (errors: Record<string, string> | undefined, field: string) =>
    errors?.[field] ? { text: errors[field] } : undefined,
  );
  return env;
}
