// GOV.UK's tag component as markup, drawn by code rather than its macro: a plan page draws hundreds, and a macro call
// costs more than the tag. Used by the templates' filters (src/web/views.ts) and by the plan page's actions.
import nunjucks from 'nunjucks';
import { ragLabels, statusLabels } from '../plans/vocabulary.js';

const statusTagClasses: Record<string, string> = {
  not_started: 'govuk-tag--grey',
  in_progress: 'govuk-tag--blue',
  ongoing: 'govuk-tag--light-blue',
  complete: 'govuk-tag--green',
  cancelled: 'govuk-tag--orange',
};
const ragTagClasses: Record<string, string> = {
  red: 'govuk-tag--red',
  amber: 'govuk-tag--yellow',
  green: 'govuk-tag--green',
};

/** Text made safe for HTML, as the templates escape it (one escaper for every page). */
export const escapeForPage = (nunjucks as unknown as { lib: { escape(text: string): string } }).lib.escape;

export function tagHtml(text: string, modifier: string | undefined): string {
  return `<strong class="govuk-tag${modifier ? ` ${modifier}` : ''}">${escapeForPage(text)}</strong>`;
}

export function statusTagHtml(status: string | null): string {
  return status
    ? tagHtml((statusLabels as Record<string, string>)[status] ?? status, statusTagClasses[status])
    : '';
}

export function ragTagHtml(rag: string | null): string {
  return rag ? tagHtml((ragLabels as Record<string, string>)[rag] ?? rag, ragTagClasses[rag]) : '';
}

export const overdueTagHtml = tagHtml('Overdue', 'govuk-tag--red');
