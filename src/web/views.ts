// Server-rendered pages: one Nunjucks environment with the GOV.UK Frontend macros and Headway's filters.
import { join } from 'node:path';
import nunjucks from 'nunjucks';
import { describeTargetDate, formatUkDate, formatUkDateTime } from '../dates/ukDate.js';
import { percentCompleteText } from '../actions/percentComplete.js';
import { ragLabels, statusLabels } from '../plans/vocabulary.js';
import { csrfFieldHtml } from './csrf.js';
import { overdueTagHtml, ragTagHtml, statusTagHtml } from './tags.js';
import { dateInputOptions } from './dateFields.js';
import { projectRoot } from './projectRoot.js';

/** Markup the template shows as it is. */
function safe(html: string): nunjucks.runtime.SafeString {
  return new nunjucks.runtime.SafeString(html);
}

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
  env.addFilter('ukDateTime', (iso: string | null | undefined) => formatUkDateTime(iso));
  env.addFilter('statusLabel', (status: string | null) =>
    status ? ((statusLabels as Record<string, string>)[status] ?? status) : '',
  );
  env.addFilter('ragLabel', (rag: string | null) =>
    rag ? ((ragLabels as Record<string, string>)[rag] ?? rag) : '',
  );
  env.addFilter('targetDescription', describeTargetDate);
  env.addFilter('percentComplete', (value: number | null | undefined) => percentCompleteText(value ?? null));
  // Tags are drawn by filters rather than GOV.UK's macro: a plan page draws hundreds, and macros are slow per call.
  env.addFilter('statusTag', (status: string | null) => safe(statusTagHtml(status)));
  env.addFilter('ragTag', (rag: string | null) => safe(ragTagHtml(rag)));
  env.addFilter('overdueTag', () => safe(overdueTagHtml));
  // Rich text is sanitised to a small allow-list on the way in (src/richtext/sanitise.ts), so it may be shown as HTML.
  env.addFilter('richText', (html: string | null | undefined) => new nunjucks.runtime.SafeString(html ?? ''));
  // Opens every form that posts: {{ csrfField() }}. Called with the page's context, which carries a token maker.
  env.addGlobal('csrfField', function csrfField(this: { ctx: { csrfToken?: () => string } }) {
    const token = this.ctx.csrfToken?.();
    if (!token) throw new Error('csrfField() was used on a page drawn without a CSRF token');
    return safe(csrfFieldHtml(token));
  });
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
  // {{ govukDateInput(dateInput({ name, legend, values: form, errors })) }}: day, month and year, faults marked.
  env.addGlobal('dateInput', dateInputOptions);
  return env;
}
