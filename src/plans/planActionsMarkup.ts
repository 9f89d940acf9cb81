// The plan page's actions, by theme or horizon: a table for wide screens and a list for phones. Drawn by code rather
// than a template: a plan of 500 actions draws thousands of cells, and the template engine's cost per cell (its
// frames, look-ups and macro calls) was most of the page's. Every value put in is escaped by the templates' own
// escaper; rich text is stored sanitised (src/richtext/sanitise.ts) and is put in as it is, as the templates do.
import { percentCompleteText } from '../actions/percentComplete.js';
import { formatUkDate } from '../dates/ukDate.js';
import { escapeForPage as e, overdueTagHtml, ragTagHtml, statusTagHtml } from '../web/tags.js';
import type { ActionGroup, ActionOnPage, LatestUpdate, PlanFilters } from './planView.js';

export interface PlanActionsContext {
  slug: string;
  groups: ActionGroup[];
  filtered: boolean;
  filters: Pick<PlanFilters, 'group'>;
  /** Whether the reader may change the plan here (never on the plan as it stood at a moment). */
  manage: boolean;
  /** The plan as it stood at a moment: nothing links to what may since have gone, and nothing can be changed. */
  asAt: boolean;
  /** The hidden field each form opens with. */
  csrfField: string;
}

function deliveryDates(action: ActionOnPage): string {
  const dates = action.revised_target_text
    ? `<s>${e(action.target_text)}</s><br>${e(action.revised_target_text)}`
    : e(action.target_text);
  return action.overdue ? `${dates}<br>${overdueTagHtml}` : dates;
}

function percentFigure(action: ActionOnPage): string {
  const percent = percentCompleteText(action.percent_complete);
  return percent ? `<br><span class="govuk-body-s" data-percent-complete>${e(percent)}</span>` : '';
}

function latestUpdateHtml(latest: LatestUpdate | null): string {
  if (!latest) return '';
  let lines = '';
  for (const line of latest.lines) lines += `<p class="govuk-body-s govuk-!-margin-bottom-1">${e(line)}</p>`;
  return `
          <div class="hw-latest-update govuk-!-margin-top-2" data-latest-update><p class="govuk-body-s govuk-!-font-weight-bold govuk-!-margin-bottom-1">Latest update, ${e(formatUkDate(latest.effectiveOn))}</p>${lines}</div>`;
}

function tableRow(action: ActionGroup['actions'][number], c: PlanActionsContext): string {
  const ref = action.ref ? `<span class="hw-ref">${e(action.ref)}</span> ` : '';
  const title = c.asAt
    ? e(action.title)
    : `<a class="govuk-link" href="/plans/${e(c.slug)}/actions/${e(action.id)}">${e(action.title)}</a>`;
  const rag = action.rag ? `<br>${ragTagHtml(action.rag)}` : '';
  return `
      <tr class="govuk-table__row" data-action>
        <td class="govuk-table__cell">${ref}${title}</td>
        <td class="govuk-table__cell">${e(action.owners.join(', '))}</td>
        <td class="govuk-table__cell hw-rich">${action.progress}${latestUpdateHtml(action.latestUpdate)}</td>
        <td class="govuk-table__cell hw-rich">${action.future_actions}</td>
        <td class="govuk-table__cell">${deliveryDates(action)}</td>
        <td class="govuk-table__cell" data-status="${e(action.status)}">${statusTagHtml(action.status)}${rag}${percentFigure(action)}</td>
      </tr>`;
}

function compactItem(action: ActionOnPage, c: PlanActionsContext): string {
  const named = `${action.ref ? `${e(action.ref)} ` : ''}${e(action.title)}`;
  const title = c.asAt
    ? `<span class="govuk-!-font-weight-bold">${named}</span>`
    : `<a class="govuk-link govuk-!-font-weight-bold" href="/plans/${e(c.slug)}/actions/${e(action.id)}">${named}</a>`;
  const rag = action.rag ? ` ${ragTagHtml(action.rag)}` : '';
  return `
    <li class="hw-compact-action" data-compact-action>
      ${title}
      <dl class="hw-compact-action__facts">
        <div><dt>Owner</dt><dd>${action.owners.length ? e(action.owners.join(', ')) : 'Not set'}</dd></div>
        <div><dt>Status</dt><dd>${statusTagHtml(action.status)}${rag}${percentFigure(action)}</dd></div>
        <div><dt>Dates for delivery</dt><dd>${action.target_text ? deliveryDates(action) : 'Not set'}</dd></div>
      </dl>
    </li>`;
}

function themeLinks(group: ActionGroup, c: PlanActionsContext): string {
  if (c.filters.group !== 'theme' || group.key === 'none' || c.asAt) return '';
  const theme = `/plans/${e(c.slug)}/themes/${e(group.key)}`;
  const named = `<span class="govuk-visually-hidden"> theme ${e(group.title)}</span>`;
  const move = (direction: 'up' | 'down') =>
    `<form method="post" action="${theme}/move">${c.csrfField}<input type="hidden" name="direction" value="${direction}"><button class="hw-link-button" type="submit">Move ${direction}${named}</button></form>`;
  const manage = c.manage
    ? `
      <a class="govuk-link" href="${theme}/edit">Edit${named}</a>
      ${move('up')}
      ${move('down')}`
    : '';
  return `
    <div class="hw-inline-forms">
      <a class="govuk-link" href="${theme}">View${named}</a>${manage}
    </div>`;
}

function groupHtml(group: ActionGroup, c: PlanActionsContext): string {
  const subtitle = group.subtitle ? ` <span class="govuk-caption-m">${e(group.subtitle)}</span>` : '';
  const heading = `
<section class="hw-group" data-group="${e(group.title)}">
  <div class="hw-group__heading">
    <h2 class="govuk-heading-m">${e(group.title)}${subtitle}</h2>${themeLinks(group, c)}
  </div>`;
  if (group.actions.length === 0) {
    const none = c.filtered
      ? ''
      : `
  <p class="govuk-body govuk-!-margin-bottom-6">No actions in this ${e(c.filters.group)} yet.</p>`;
    return `${heading}${none}
</section>`;
  }
  const label = `Actions: ${e(group.title)}`;
  let rows = '';
  let items = '';
  for (const action of group.actions) {
    rows += tableRow(action, c);
    items += compactItem(action, c);
  }
  return `${heading}
  <div class="hw-table-scroll hw-plan-table" role="region" aria-label="${label}" tabindex="0">
  <table class="govuk-table hw-actions-table">
    <caption class="govuk-table__caption govuk-visually-hidden">${label}</caption>
    <thead class="govuk-table__head"><tr class="govuk-table__row">
      <th scope="col" class="govuk-table__header hw-col-action">Action</th>
      <th scope="col" class="govuk-table__header">Owner</th>
      <th scope="col" class="govuk-table__header hw-col-wide">Progress</th>
      <th scope="col" class="govuk-table__header hw-col-wide">Future planned actions</th>
      <th scope="col" class="govuk-table__header">Dates for delivery</th>
      <th scope="col" class="govuk-table__header">Status</th>
    </tr></thead>
    <tbody class="govuk-table__body">${rows}
    </tbody>
  </table>
  </div>
  <ul class="govuk-list hw-compact-actions" aria-label="${label}">${items}
  </ul>
</section>`;
}

/** The groups of actions of a plan page, as HTML. */
export function planActionsHtml(c: PlanActionsContext): string {
  let html = '';
  for (const group of c.groups) html += groupHtml(group, c);
  return html;
}
