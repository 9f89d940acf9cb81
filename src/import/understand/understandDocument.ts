// Understands a document's tables as a plan: headers, themes, actions, focus areas, dated entries and report sections.
import { basename } from 'node:path';
import type { Status } from '../../db/schema.js';
import { parseTargetDate } from '../../dates/targetDate.js';
import { findingLimits } from '../../fieldLimits.js';
import { toRichText } from '../../richtext/sanitise.js';
import {
  reportSectionKeys,
  type DraftAction,
  type DraftFinding,
  type DraftTheme,
  type DraftUpdate,
  type PlanDraft,
  type ReportSectionKey,
} from '../planDraft.js';
import type { SourceCell, SourceDocument, SourceRow } from '../source.js';
import { readPercentComplete } from '../../actions/percentComplete.js';
import {
  columnFieldLabels,
  findingKindOfHeader,
  normaliseHeader,
  isPassedOver,
  looksLikeHeader,
  recogniseHeader,
  type ColumnField,
  type ColumnOverrides,
} from './columns.js';
import { splitDatedEntries } from './datedEntries.js';
import { FindingRows, findingHeading, type FindingCell } from './findingRows.js';
import { horizonFromHeading, mediumTermPriorities } from './horizons.js';
import {
  highlightLabel,
  markingIn,
  ragFromOverallStatus,
  statusAndRag,
  statusFromWords,
  type HighlightLabel,
} from './wording.js';

export interface RecognisedColumn {
  /** Position in the table, from 0. */
  index: number;
  header: string;
  /** The normalised header: the key a hand-made mapping is stored under. */
  key: string;
  field: ColumnField | null;
}

export interface RecognisedTable {
  /** Where the header row is, for people: "Table 2, row 1". */
  where: string;
  columns: RecognisedColumn[];
  /** Rows read under this header, the header excluded. */
  rowCount: number;
}

export interface ImportWarning {
  where: string;
  message: string;
}

export interface Understanding {
  draft: PlanDraft;
  tables: RecognisedTable[];
  warnings: ImportWarning[];
}

export interface UnderstandOptions {
  /** Column mappings chosen by hand, by normalised header text. */
  columns?: ColumnOverrides;
}

interface Grid {
  cells: SourceCell[];
  texts: string[];
  filled: number[];
}

interface ActiveTable {
  table: RecognisedTable;
  fields: (ColumnField | null)[];
  width: number;
  horizon: string | null;
  theme: string | null;
  focusAreas: boolean;
}

const empty: SourceCell = { text: '', html: '', colSpan: 1, mergedAbove: false };

/** The columns of a finding's own row that say nothing of an action: a row with only these states a finding alone. */
const findingRowFields = new Set<ColumnField>(['ref', 'theme', 'finding', 'priority']);

/**
 * The columns' fields once a table's finding and response are told apart. A table with a finding column and no action
 * column answers its findings in its "Planned actions" column when it has one; else its findings are its actions,
 * tracked one a row, as a table of recommendations with their owners, next steps and status is. A column mapped by
 * hand stays as mapped.
 */
function answeringColumns(
  headers: string[],
  fields: (ColumnField | null)[],
  overrides: ColumnOverrides,
): (ColumnField | null)[] {
  if (fields.includes('title') || !fields.includes('finding')) return fields;
  const chosen = (index: number) => normaliseHeader(headers[index]!) in overrides;
  const planned = fields.findIndex(
    (field, index) =>
      field === 'futureActions' &&
      !chosen(index) &&
      /^planned actions?\b/.test(normaliseHeader(headers[index]!)),
  );
  const promoted =
    planned >= 0 ? planned : fields.findIndex((field, index) => field === 'finding' && !chosen(index));
  return fields.map((field, index) => (index === promoted ? 'title' : field));
}

/** A row's cells laid on the grid: a cell spanning columns takes its place, then empty ones; merged-above cells are empty. */
function gridOf(row: SourceRow): Grid {
  const cells: SourceCell[] = [];
  for (const cell of row.cells) {
    cells.push(cell.mergedAbove ? empty : cell);
    for (let i = 1; i < cell.colSpan; i++) cells.push(empty);
  }
  const texts = cells.map((cell) => cell.text.replace(/[ \t]+/g, ' ').trim());
  const filled = texts.flatMap((text, index) => (text === '' ? [] : [index]));
  return { cells, texts, filled };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function titleCase(text: string): string {
  if (text !== text.toUpperCase()) return text;
  return text.toLowerCase().replace(/\b([a-z])/g, (letter) => letter.toUpperCase());
}

function richTextOf(cell: SourceCell | undefined): string {
  if (!cell) return '';
  return toRichText(cell.html || cell.text);
}

export function understandDocument(doc: SourceDocument, options: UnderstandOptions = {}): Understanding {
  const overrides = options.columns ?? {};
  const warnings: ImportWarning[] = [];
  const tables: RecognisedTable[] = [];
  const themes = new Map<string, DraftTheme>();
  const actions: DraftAction[] = [];
  const horizons: string[] = [];
  const highlights: Partial<Record<HighlightLabel, { text: string; html: string }>> = {};
  const summaryExtras: string[] = [];
  let title: string | null = null;
  let marking: string | null = null;
  let pendingLabel: HighlightLabel | null = null;
  let nextHorizon: string | null = null;
  let active: ActiveTable | null = null;
  let seenTable = false;
  let tableNumber = 0;

  const warn = (where: string, message: string) => warnings.push({ where, message });
  const findingRows = new FindingRows(warn);
  const useHorizon = (name: string | null) => {
    if (name === null) return null;
    if (!horizons.some((h) => h.toLowerCase() === name.toLowerCase())) horizons.push(name);
    return horizons.find((h) => h.toLowerCase() === name.toLowerCase())!;
  };
  const useTheme = (name: string): DraftTheme => {
    const key = name.toLowerCase();
    let theme = themes.get(key);
    if (!theme) {
      theme = { title: name, updates: [] };
      themes.set(key, theme);
    }
    return theme;
  };
  const noteMarking = (text: string) => {
    const found = markingIn(text);
    if (found) marking ??= found;
    return found !== null;
  };

  for (const line of doc.pageFurniture) noteMarking(line);

  const readHeading = (text: string, where: string): boolean => {
    const horizon = horizonFromHeading(text);
    if (horizon) {
      nextHorizon = horizon;
      if (active) active.horizon = horizon;
      return true;
    }
    if (/^rolling updates?\b/i.test(text)) {
      if (active) {
        active.focusAreas = true;
        active.theme = null;
      } else warn(where, '"Rolling updates" was found before any table header; its rows could not be read');
      return true;
    }
    return false;
  };

  /** A paragraph, or a row with one cell outside any table: a marking, a section label, a heading or the title. */
  const readLoneText = (text: string, where: string) => {
    if (text === '' || noteMarking(text)) return;
    const label = text.length <= 40 ? highlightLabel(text) : null;
    if (label) {
      pendingLabel = label;
      return;
    }
    if (readHeading(text, where)) return;
    if (!seenTable && title === null) title = titleCase(text);
  };

  const storeHighlight = (label: HighlightLabel, cells: SourceCell[]) => {
    const text = cells.map((c) => c.text.trim()).join('\n');
    const html = cells.map((c) => richTextOf(c)).join('');
    highlights[label] = { text, html };
  };

  const startTable = (grid: Grid, where: string): boolean => {
    // Headers are a few short words; most rows are not, and need not be looked up word by word.
    if (grid.texts.filter((text) => looksLikeHeader(text, overrides)).length < 2) return false;
    const fields = answeringColumns(
      grid.texts,
      grid.texts.map((text) => recogniseHeader(text, overrides)),
      overrides,
    );
    const known = fields.filter((f) => f !== null);
    if (known.length < 2 || !known.includes('title')) return false;
    const seen = new Set<ColumnField>();
    const columns = grid.texts.map((header, index): RecognisedColumn => {
      let field = fields[index] ?? null;
      if (field && seen.has(field)) {
        warn(
          where,
          `Column "${header}" would also be read as ${columnFieldLabels[field]}; only the first such column is used`,
        );
        field = null;
      }
      if (field) seen.add(field);
      return { index, header, key: normaliseHeader(header), field };
    });
    const keys = columns.map((c) => c.key).join('|');
    if (active && active.table.columns.map((c) => c.key).join('|') === keys) return true; // a header repeated on a new page
    for (const column of columns)
      if (
        column.field === null &&
        column.header !== '' &&
        !(column.key in overrides) &&
        !isPassedOver(column.header)
      )
        warn(
          where,
          `Column "${column.header}" was not recognised; its cells are kept in each action's description unless you map it`,
        );
    seenTable = true;
    findingRows.startTable();
    const table: RecognisedTable = { where, columns, rowCount: 0 };
    tables.push(table);
    active = {
      table,
      fields: columns.map((c) => c.field),
      width: columns.length,
      horizon: nextHorizon,
      theme: null,
      focusAreas: false,
    };
    pendingLabel = null;
    return true;
  };

  const readLabelRow = (grid: Grid): boolean => {
    if (grid.filled.length > 2) return false;
    const label = highlightLabel(grid.texts[grid.filled[0]!]!);
    if (!label) return false;
    const rest = grid.filled.slice(1).map((i) => grid.cells[i]!);
    if (rest.length === 0) pendingLabel = label;
    else storeHighlight(label, rest);
    return true;
  };

  const readTableRow = (table: ActiveTable, grid: Grid, row: SourceRow, where: string) => {
    let cells = grid.cells;
    let texts = grid.texts;
    if (cells.length > table.width) {
      const surplus = cells.length - table.width;
      if (texts.slice(0, surplus).every((t) => t === '')) {
        cells = cells.slice(surplus);
        texts = texts.slice(surplus);
      }
    }
    const at = (field: ColumnField) => {
      const index = table.fields.indexOf(field);
      return index < 0 ? undefined : cells[index];
    };
    const textOf = (field: ColumnField) => oneLine(at(field)?.text ?? '');
    const filled = texts.flatMap((t, i) => (t === '' ? [] : [i]));

    const spansAll = row.cells.length === 1 && row.cells[0]!.colSpan >= table.width && table.width > 1;
    const lone = filled.length === 1 && filled[0] === 0;
    const looksLikeHeading = lone && (/<(u|b|strong)\b/i.test(cells[0]!.html) || texts[0]!.endsWith(':'));
    if (spansAll || (looksLikeHeading && table.fields[0] !== 'theme')) {
      const heading = oneLine(texts.find((t) => t !== '') ?? '');
      const finding = findingHeading(heading);
      if (finding) findingRows.readHeading(finding, where);
      else if (!readHeading(heading, where)) {
        table.theme = heading.replace(/:$/, '');
        useTheme(table.theme);
      }
      return;
    }
    table.table.rowCount += 1;

    const extras = cells
      .map((cell, index) => ({ cell, index }))
      .filter(
        ({ cell, index }) =>
          (index >= table.width || table.fields[index] === null) && cell.text.trim() !== '',
      )
      .map(
        ({ cell, index }) =>
          `<p><b>${escapeHtml(table.table.columns[index]?.header || `Column ${index + 1}`)}:</b></p>${richTextOf(cell)}`,
      );

    if (table.focusAreas) {
      readFocusArea(table, at, textOf, where, extras);
      return;
    }

    const themeName = textOf('theme');
    if (themeName !== '') {
      table.theme = themeName;
      useTheme(themeName);
    }
    const findingText = textOf('finding');
    const findingColumn = table.fields.indexOf('finding');
    const ownFinding =
      findingText === ''
        ? null
        : findingRows.readCell(
            {
              text: findingText,
              kind: findingKindOfHeader(table.table.columns[findingColumn]!.header),
              rowReference: textOf('ref'),
              priority: textOf('priority'),
            } satisfies FindingCell,
            where,
          );
    const title = textOf('title');
    const content = filled.filter((i) => !findingRowFields.has(table.fields[i] ?? 'title'));
    if (title === '' && ownFinding && content.length > 0) {
      // A finding tracked as its own action: its status, owner and progress stand on its row.
      actions.push(readAction(table, at, textOf, where, extras, ownFinding.text, ownFinding));
      return;
    }
    if (title === '' && ownFinding) return;
    if (title === '') {
      const previous = actions.at(-1);
      if (previous && content.length > 0) {
        previous.progress = [previous.progress, richTextOf(at('progress')), richTextOf(at('notes'))]
          .filter(Boolean)
          .join('');
        previous.futureActions = [previous.futureActions, richTextOf(at('futureActions'))]
          .filter(Boolean)
          .join('');
        warn(where, `This row names no action; its cells were added to "${previous.title}" above`);
      }
      return;
    }
    actions.push(readAction(table, at, textOf, where, extras, title, ownFinding));
  };

  const readAction = (
    table: ActiveTable,
    at: (field: ColumnField) => SourceCell | undefined,
    textOf: (field: ColumnField) => string,
    where: string,
    extras: string[],
    title: string,
    ownFinding: DraftFinding | null,
  ): DraftAction => {
    const owners = (at('owner')?.text ?? '')
      .split(/\n|;|\s\/\s/)
      .map(oneLine)
      .filter((name) => name !== '');
    const targetText = textOf('target');
    const target = parseTargetDate(targetText);
    if (target.kind === 'unparsed')
      warn(where, `Target date "${targetText}" could not be read as a date; it is kept as written`);
    const { status, rag, messages } = statusAndRag(
      textOf('status'),
      textOf('rag'),
      target.kind === 'complete',
    );
    for (const message of messages) warn(where, message);
    const percentText = textOf('percentComplete');
    const percentComplete = readPercentComplete(percentText, { fractions: true });
    if (percentComplete === undefined)
      warn(
        where,
        `Percent complete "${percentText}" is not a whole number from 0 to 100; it was left unset and kept in the progress`,
      );
    const headerOf = (field: ColumnField) => table.table.columns[table.fields.indexOf(field)]!.header;
    const progressHtml = richTextOf(at('progress'));
    const notesHtml = richTextOf(at('notes'));
    // Notes beside a progress column are kept after it under their own header, so neither loses its words.
    const progress = [
      progressHtml,
      progressHtml && notesHtml ? `<p><b>${escapeHtml(headerOf('notes'))}:</b></p>${notesHtml}` : notesHtml,
      percentComplete === undefined
        ? `<p>${escapeHtml(headerOf('percentComplete'))}: ${escapeHtml(percentText)}</p>`
        : '',
    ]
      .filter(Boolean)
      .join('');
    const futureActions = richTextOf(at('futureActions'));
    const author = owners[0] ?? 'Imported';
    const updates = [...datedUpdates(progress, author), ...datedUpdates(futureActions, author)];
    // "N/A" or a dash in a revised date column means the date has not moved.
    const revisedText = /^(n\/?a|none|nil|no change|not applicable|-+|–|—)$/i.test(textOf('revisedTarget'))
      ? ''
      : textOf('revisedTarget');
    const completedText = textOf('completedOn');
    const completed = completedText === '' ? null : parseTargetDate(completedText);
    const completedOn =
      completed?.kind === 'date' && completed.start === completed.end ? completed.start : null;
    if (completedText !== '' && completedOn === null)
      warn(where, `Date completed "${completedText}" is not a single day; it was left unset`);
    const horizonText = textOf('horizon');
    const actionRef = textOf('ref');
    const answers = findingRows.answeredBy(actionRef, ownFinding, where);
    return {
      ref: actionRef,
      title,
      description: [
        richTextOf(at('description')),
        ...extras,
        // A reason given where the date did not move is kept, under its header, rather than lost.
        revisedText === '' && textOf('revisedReason') !== ''
          ? `<p><b>${escapeHtml(headerOf('revisedReason'))}:</b> ${escapeHtml(textOf('revisedReason'))}</p>`
          : '',
      ]
        .filter(Boolean)
        .join(''),
      owners,
      theme: table.theme,
      horizon: useHorizon(horizonText !== '' ? horizonText : table.horizon),
      status,
      rag,
      progress,
      futureActions,
      targetDate: targetText,
      revisedTargetDate: revisedText,
      revisedReason:
        revisedText === ''
          ? ''
          : textOf('revisedReason') || `Revised date as given in ${basename(doc.fileName)}`,
      completedOn,
      percentComplete: percentComplete ?? null,
      ...(answers ? { findings: [answers.reference] } : {}),
      updates,
    };
  };

  const readFocusArea = (
    table: ActiveTable,
    at: (field: ColumnField) => SourceCell | undefined,
    textOf: (field: ColumnField) => string,
    where: string,
    extras: string[],
  ) => {
    const name = (textOf('title') || textOf('theme')).trim();
    if (name === '') return;
    if (name.endsWith(':')) {
      const said = [richTextOf(at('progress')), richTextOf(at('futureActions'))].filter(Boolean).join('');
      if (said !== '') summaryExtras.push(said);
      warn(
        where,
        `"${name}" reads as an introduction to the focus areas, not one of them; its text was added to the plan's summary`,
      );
      return;
    }
    const theme = useTheme(name.replace(/:$/, ''));
    const lead = oneLine(at('owner')?.text ?? '');
    if (lead) theme.lead = lead;
    const statusText = textOf('status');
    if (statusText) theme.status = readStatus(statusText, false, where);
    const progress = splitDatedEntries(richTextOf(at('progress')));
    const future = splitDatedEntries(richTextOf(at('futureActions')));
    const dates = textOf('target');
    theme.progress = progress.before;
    theme.futureActions = [
      future.before,
      dates ? `<p>Dates for delivery: ${escapeHtml(dates)}</p>` : '',
      ...extras,
    ]
      .filter(Boolean)
      .join('');
    const author = lead || 'Imported';
    theme.updates.push(
      ...[...progress.entries, ...future.entries].map((entry) => ({
        effectiveOn: entry.effectiveOn,
        author,
        body: entry.body,
      })),
    );
  };

  const readStatus = (text: string, dateSaysComplete: boolean, where: string): Status => {
    if (text === '') return dateSaysComplete ? 'complete' : 'not_started';
    const status = statusFromWords(text);
    if (status) return status;
    warn(where, `Status "${text}" was not recognised; it was read as Not started`);
    return 'not_started';
  };

  for (const block of doc.blocks) {
    if (block.type === 'paragraph') {
      readLoneText(oneLine(block.text), 'Paragraph');
      continue;
    }
    tableNumber += 1;
    let unrecognised = false;
    for (const [rowIndex, row] of block.rows.entries()) {
      const where = `Table ${tableNumber}, row ${rowIndex + 1}`;
      const grid = gridOf(row);
      if (grid.filled.length === 0) continue;
      if (grid.filled.length === 1 && noteMarking(grid.texts[grid.filled[0]!]!)) continue;
      if (startTable(grid, where)) continue;
      if (readLabelRow(grid)) continue;
      if (pendingLabel && grid.filled.length === 1) {
        storeHighlight(pendingLabel, [grid.cells[grid.filled[0]!]!]);
        pendingLabel = null;
        continue;
      }
      if (active) {
        readTableRow(active, grid, row, where);
        continue;
      }
      if (grid.filled.length === 1) {
        // A title or heading typed into a sheet's first rows, before its header row.
        readLoneText(oneLine(grid.texts[grid.filled[0]!]!), where);
        continue;
      }
      seenTable = true;
      if (!unrecognised && grid.texts.length >= 2) {
        unrecognised = true;
        tables.push({
          where,
          columns: grid.texts.map((header, index) => ({
            index,
            header,
            key: normaliseHeader(header),
            field: null,
          })),
          rowCount: block.rows.length - rowIndex - 1,
        });
        warn(
          where,
          `No column headers were recognised in this table (${grid.texts.filter(Boolean).join(', ')}); map its columns to import its rows`,
        );
      }
    }
  }

  const draft = assemble();
  if (draft.actions.length === 0 && draft.themes.length === 0 && !draft.report)
    warn('Document', 'No table of actions was recognised in this document');
  return { draft, tables, warnings };

  function assemble(): PlanDraft {
    const periodText = highlights.period?.text.replace(/\s+/g, ' ').trim() ?? '';
    const overall = highlights.overallStatus?.text.replace(/\s+/g, ' ').trim() ?? '';
    const sections: Partial<Record<ReportSectionKey, string>> = {};
    for (const key of reportSectionKeys) if (highlights[key]?.html) sections[key] = highlights[key].html;
    for (const html of Object.values(sections)) {
      const priorities = mediumTermPriorities(html);
      if (priorities.length === 0) continue;
      const horizon = useHorizon('Medium term');
      for (const item of priorities)
        actions.push({
          ref: '',
          title: item.title,
          owners: [],
          status: item.status,
          theme: null,
          horizon,
          updates: [],
        });
    }
    const planTitle =
      title ??
      titleCase(
        basename(doc.fileName)
          .replace(/\.[a-z0-9]+$/i, '')
          .replace(/[-_]+/g, ' '),
      );
    const answered = new Set(actions.flatMap((action) => action.findings ?? []));
    const findings = findingRows.findings.map((finding) => {
      if (!answered.has(finding.reference))
        warn(
          findingRows.places.get(finding) ?? 'Document',
          `Finding ${finding.reference} has no action in the document; it is kept as a finding that no action answers yet`,
        );
      // Named by the document's title where it has one: a file name says less to a board.
      return {
        ...finding,
        sourceDocument: (title ?? basename(doc.fileName)).slice(0, findingLimits.sourceDocument),
      };
    });
    const period = periodRange(periodText);
    const hasReport = periodText !== '' || overall !== '' || Object.keys(sections).length > 0;
    const summary = [sections.summary ?? '', ...summaryExtras].join('');
    return {
      plan: {
        title: planTitle,
        source: `Imported from ${basename(doc.fileName)}`,
        sponsor: highlights.sponsor?.text.replace(/\s+/g, ' ').trim() ?? '',
        marking: marking ?? '',
        rag: overall ? ragFromOverallStatus(overall) : null,
        ragNote: overall,
        summary,
        horizons,
      },
      themes: [...themes.values()],
      actions,
      ...(findings.length > 0 ? { findings } : {}),
      report: hasReport
        ? { periodText, periodStart: period.start, periodEnd: period.end, overallStatus: overall, sections }
        : null,
    };
  }
}

function datedUpdates(html: string, author: string): DraftUpdate[] {
  return splitDatedEntries(html).entries.map((entry) => ({
    effectiveOn: entry.effectiveOn,
    author,
    body: entry.body,
  }));
}

/** "October 2023 – February 2024": from the first day of the first to the last day of the second. */
export function periodRange(text: string): { start: string | null; end: string | null } {
  if (text === '') return { start: null, end: null };
  const parts = text.split(/\s+(?:–|—|-|to|until)\s+/i);
  const first = parseTargetDate(parts[0]);
  const last = parseTargetDate(parts.at(-1));
  return {
    start: first.kind === 'date' ? first.start : null,
    end: last.kind === 'date' ? last.end : null,
  };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
