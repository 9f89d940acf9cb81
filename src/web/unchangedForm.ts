// Whether a posted edit form says exactly what the form showed, so saving it would change nothing and write no history.
import { csrfFieldName } from './csrf.js';
import { dateFieldValues } from './dateFields.js';
import { formText, type FormBody } from './forms.js';

const notFields = new Set([csrfFieldName, 'version']);

const asTyped = (value: string | undefined) => (value ?? '').replace(/\r\n?/g, '\n').trim();

/**
 * Every field the form showed and every field posted, compared as typed (browsers send line breaks as CR LF). A field
 * only one side has counts as changed unless it is empty, so a form that gains fields can only save more often. The
 * dates named in `dates` are shown as ISO dates and posted as day, month and year fields: they are compared as those.
 */
export function unchangedForm(
  shownValues: Record<string, string | undefined>,
  posted: FormBody,
  dates: string[] = [],
): boolean {
  const shown: Record<string, string | undefined> = { ...shownValues };
  for (const name of dates) {
    Object.assign(shown, dateFieldValues(name, shown[name]));
    delete shown[name];
  }
  const fields = new Set([...Object.keys(shown), ...Object.keys(posted ?? {})]);
  for (const field of fields) {
    if (notFields.has(field)) continue;
    if (asTyped(shown[field]) !== asTyped(formText(posted, field))) return false;
  }
  return true;
}
