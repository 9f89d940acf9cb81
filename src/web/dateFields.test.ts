import { describe, expect, it } from 'vitest';
import {
  dateFieldSent,
  dateFieldValues,
  dateInputOptions,
  linkDateErrors,
  readDateField,
  readDateFields,
} from './dateFields.js';

const update = { label: 'date of the update', required: true, notAfter: '2024-04-10' };

function typed(day: string, month: string, year: string) {
  return { 'effectiveOn-day': day, 'effectiveOn-month': month, 'effectiveOn-year': year };
}

describe('readDateField', () => {
  it.each([
    [typed('27', '3', '2024'), '2024-03-27'],
    [typed('07', '03', '2024'), '2024-03-07'],
    [typed(' 1st ', 'March', '2024'), '2024-03-01'],
    [typed('29', 'feb', '2024'), '2024-02-29'],
    [typed('30', 'Sept', '2023'), '2023-09-30'],
    [typed('10', '4', '2024'), '2024-04-10'],
  ])('reads %j as %s', (body, iso) => {
    expect(readDateField(body, 'effectiveOn', update)).toEqual({ ok: true, iso });
  });

  it.each([
    [typed('', '', ''), 'effectiveOn-day', 'Enter the date of the update'],
    [typed('27', '', '2024'), 'effectiveOn-month', 'Date of the update must include a month'],
    [typed('', '', '2024'), 'effectiveOn-day', 'Date of the update must include a day and month'],
    [typed('27', '3', ''), 'effectiveOn-year', 'Date of the update must include a year'],
    [typed('27', '3', '24'), 'effectiveOn-year', 'Year must include 4 numbers'],
    [typed('27', '13', '2024'), 'effectiveOn-month', 'Date of the update must be a real date'],
    [typed('32', '3', '2024'), 'effectiveOn-day', 'Date of the update must be a real date'],
    [typed('x', 'y', '2024'), 'effectiveOn-day', 'Date of the update must be a real date'],
    [typed('31', '2', '2024'), 'effectiveOn-day', 'Date of the update must be a real date'],
    [typed('29', '2', '2023'), 'effectiveOn-day', 'Date of the update must be a real date'],
    [typed('11', '4', '2024'), 'effectiveOn-day', 'Date of the update must be today or in the past'],
  ])('refuses %j at %s: %s', (body, field, message) => {
    expect(readDateField(body, 'effectiveOn', update)).toEqual({ ok: false, field, message });
  });

  it('leaves an optional date out when nothing is typed, also when the fields were not sent', () => {
    const optional = { label: 'completion date' };
    expect(readDateField(typed('', ' ', ''), 'effectiveOn', optional)).toEqual({ ok: true, iso: null });
    expect(readDateField({}, 'completedOn', optional)).toEqual({ ok: true, iso: null });
  });

  it('tells fields sent empty from fields not sent at all', () => {
    expect(dateFieldSent(typed('', '', ''), 'effectiveOn')).toBe(true);
    expect(dateFieldSent({ body: 'Text only' }, 'effectiveOn')).toBe(false);
  });

  it('reads several dates and files each fault under its first field at fault', () => {
    const body = {
      'start-day': '1',
      'start-month': '4',
      'start-year': '2024',
      'end-day': '31',
      'end-month': '',
    };
    const result = readDateFields(body, { start: { label: 'first day' }, end: { label: 'last day' } });
    expect(result.dates).toEqual({ start: '2024-04-01' });
    expect(result.errors).toEqual({ 'end-month': 'Last day must include a month and year' });
  });
});

describe('dateInputOptions', () => {
  const marked = (options: ReturnType<typeof dateInputOptions>) =>
    options.items.filter((item) => item.error).map((item) => item.name);

  it('shows a saved ISO date as day, month and year with the GOV.UK hint and no error', () => {
    const options = dateInputOptions({
      name: 'completedOn',
      legend: 'Completed on',
      values: { completedOn: '2024-03-07' },
    });
    expect(options.items.map((item) => item.value)).toEqual(['7', '3', '2024']);
    expect(options.namePrefix).toBe('completedOn');
    expect(options.hint.text).toBe('For example, 27 3 2024');
    expect(options.errorMessage).toBeUndefined();
    expect(marked(options)).toEqual([]);
  });

  it('marks only the fields at fault, and the whole date when no one field is', () => {
    const drawn = (body: Record<string, string>) => {
      const reading = readDateField(body, 'effectiveOn', update);
      const errors = reading.ok ? {} : { [reading.field]: reading.message };
      return dateInputOptions({ name: 'effectiveOn', legend: 'Date of the update', values: body, errors });
    };
    expect(marked(drawn(typed('27', '', '2024')))).toEqual(['month']);
    expect(drawn(typed('27', '', '2024')).errorMessage).toEqual({
      text: 'Date of the update must include a month',
    });
    expect(marked(drawn(typed('27', '13', '2024')))).toEqual(['month']);
    expect(marked(drawn(typed('27', '3', '24')))).toEqual(['year']);
    expect(marked(drawn(typed('31', '2', '2024')))).toEqual(['day', 'month', 'year']);
    expect(marked(drawn(typed('', '', '')))).toEqual(['day', 'month', 'year']);
    expect(marked(drawn(typed('11', '4', '2024')))).toEqual(['day', 'month', 'year']);
    // What was typed comes back as typed.
    expect(drawn(typed('27', '13', '2024')).items.map((item) => item.value)).toEqual(['27', '13', '2024']);
  });

  it('shows a command’s complaint about a date, linked from the error summary to the day field', () => {
    const errors = linkDateErrors(
      { periodEnd: 'The last day of the period must be on or after the first', rag: 'x' },
      ['periodEnd'],
    );
    expect(errors).toEqual({
      'periodEnd-day': 'The last day of the period must be on or after the first',
      rag: 'x',
    });
    const options = dateInputOptions({
      name: 'periodEnd',
      legend: 'Last day',
      values: dateFieldValues('periodEnd', '2024-01-01'),
      errors,
    });
    expect(options.errorMessage?.text).toBe('The last day of the period must be on or after the first');
    expect(marked(options)).toEqual(['day', 'month', 'year']);
  });
});
