// Reads a plan's export.json (the headway.plan interchange shape, docs/interchange.md) back as a plan draft, keeping
// everything it says: themes with their leads and updates, actions with owners, dates as written, revised dates and
// their reasons, status changes, marking, horizons, sponsor, and the owners' kind and e-mail.
import { FormatRegistry } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { PlanExportSchema } from '../../api/schemas.js';
import { interchangeFormat, interchangeVersion, type PlanExport } from '../../plans/presenters.js';
import type { DraftAction, DraftTheme, DraftUpdate, PlanDraft } from '../planDraft.js';
import { ImportFileError } from '../source.js';
import type { ImportWarning, Understanding } from '../understand/understandDocument.js';

type ExportedUpdate = PlanExport['actions'][number]['updates'][number];

if (!FormatRegistry.Has('date')) FormatRegistry.Set('date', (value) => /^\d{4}-\d{2}-\d{2}$/.test(value));

/** C0 control characters other than tab and line breaks: dropped, as from any imported cell. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const controlCharacters = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;

/** JSON rather than a table: a file named .json, or text that opens with a brace. */
export function looksLikeJson(fileName: string, bytes: Buffer): boolean {
  if (/\.json$/i.test(fileName)) return true;
  const start = bytes
    .subarray(0, 64)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  return start.startsWith('{');
}

function notAnExport(detail: string): ImportFileError {
  return new ImportFileError(
    `This JSON file is not a Headway plan export (the export.json of a plan): ${detail}. Nothing was saved`,
  );
}

/** A JSON pointer as people read it: actions[3].updates[0].body. */
function readablePath(pointer: string): string {
  return (
    pointer
      .split('/')
      .slice(1)
      .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
      .join('')
      .replace(/^\./, '') || 'the file'
  );
}

/** Drops control characters from every string in the file, saying where they were (up to twenty places). */
function cleanStrings(value: unknown, path: string, warnings: ImportWarning[]): unknown {
  if (typeof value === 'string') {
    const cleaned = value.replace(controlCharacters, '');
    if (cleaned !== value && warnings.length < 20)
      warnings.push({
        where: path || 'the file',
        message: 'Control characters, which are invisible and cannot be stored, were removed from this text',
      });
    return cleaned;
  }
  if (Array.isArray(value)) return value.map((item, i) => cleanStrings(item, `${path}[${i}]`, warnings));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        cleanStrings(item, path ? `${path}.${key}` : key, warnings),
      ]),
    );
  return value;
}

function checkShape(parsed: unknown): PlanExport {
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw notAnExport('it holds no object');
  const { format, formatVersion } = parsed as Record<string, unknown>;
  if (format === undefined) throw notAnExport(`it has no "format": "${interchangeFormat}"`);
  if (format !== interchangeFormat)
    throw notAnExport(`its format is ${JSON.stringify(format)}, not "${interchangeFormat}"`);
  if (typeof formatVersion === 'number' && formatVersion > interchangeVersion)
    throw new ImportFileError(
      `This plan export is format version ${formatVersion}, written by a newer Headway; this one reads version ${interchangeVersion}. Nothing was saved`,
    );
  if (formatVersion !== interchangeVersion)
    throw notAnExport(`its "formatVersion" is ${JSON.stringify(formatVersion)}, not ${interchangeVersion}`);
  const error = Value.Errors(PlanExportSchema, parsed).First();
  if (error)
    throw notAnExport(
      `${readablePath(error.path)} is ${error.value === undefined ? 'missing' : JSON.stringify(error.value)?.slice(0, 60)} (${error.message.toLowerCase()})`,
    );
  return parsed as PlanExport;
}

function draftUpdate(update: ExportedUpdate): DraftUpdate {
  return {
    effectiveOn: update.effectiveOn,
    author: update.author,
    body: update.body,
    ...(update.statusChange ? { statusChange: update.statusChange } : {}),
  };
}

function draftOf(file: PlanExport): PlanDraft {
  const horizons = new Map(file.horizons.map((h) => [h.id, h.name]));
  const themes = new Map(file.themes.map((t) => [t.id, t.title]));
  const byPosition = <T extends { position: number }>(list: T[]) =>
    [...list].sort((a, b) => a.position - b.position);
  const refuseUnknown = (what: string, id: string | null, known: Map<string, string>) => {
    if (id !== null && !known.has(id))
      throw notAnExport(`${what} names ${JSON.stringify(id)}, which it does not hold`);
  };
  const draftThemes: DraftTheme[] = byPosition(file.themes).map((theme) => ({
    title: theme.title,
    lead: theme.lead ?? '',
    status: theme.status,
    rag: theme.rag,
    progress: theme.progress,
    futureActions: theme.futureActions,
    updates: theme.updates.map(draftUpdate),
  }));
  const draftActions: DraftAction[] = byPosition(file.actions).map((action, index) => {
    refuseUnknown(`actions[${index}].themeId`, action.themeId, themes);
    refuseUnknown(`actions[${index}].horizonId`, action.horizonId, horizons);
    return {
      ref: action.ref,
      title: action.title,
      description: action.description,
      owners: action.owners,
      theme: action.themeId === null ? null : themes.get(action.themeId)!,
      horizon: action.horizonId === null ? null : horizons.get(action.horizonId)!,
      status: action.status,
      rag: action.rag,
      ragReason: action.ragReason,
      progress: action.progress,
      futureActions: action.futureActions,
      targetDate: action.targetDate.text,
      revisedTargetDate: action.revisedTargetDate.text,
      revisedReason: action.revisedReason,
      completedOn: action.completedOn,
      percentComplete: action.percentComplete ?? null,
      updates: action.updates.map(draftUpdate),
    };
  });
  const plan = file.plan;
  return {
    plan: {
      title: plan.title,
      slug: plan.slug,
      source: plan.source,
      sponsor: plan.sponsor,
      marking: plan.marking,
      rag: plan.rag,
      ragNote: plan.ragNote,
      summary: plan.summary,
      horizons: byPosition(file.horizons).map((h) => h.name),
    },
    owners: file.owners.map((owner) => ({ name: owner.name, kind: owner.kind, email: owner.email })),
    themes: draftThemes,
    actions: draftActions,
  };
}

/** The plan an export.json holds, as a draft; anything else that is JSON is refused, naming what is wrong. */
export function understandPlanExport(bytes: Buffer): Understanding {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    throw notAnExport(`it is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const warnings: ImportWarning[] = [];
  const file = checkShape(cleanStrings(parsed, '', warnings));
  return { draft: draftOf(file), tables: [], warnings };
}
