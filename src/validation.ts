// Checks shared by every command: required text, lengths, choices, dates. Each failure names the field.
import { InvalidInputError, type FieldErrors } from './errors.js';

export class FieldChecks {
  readonly errors: FieldErrors = {};

  text(field: string, label: string, value: unknown, { required = false, max = 500 } = {}): string {
    const text = typeof value === 'string' ? value.trim() : value == null ? '' : String(value).trim();
    if (required && text === '') this.errors[field] = `Enter ${label}`;
    else if (text.length > max)
      this.errors[field] = `${capitalise(label)} must be ${max} characters or fewer`;
    return text;
  }

  choice<T extends string>(
    field: string,
    label: string,
    value: unknown,
    allowed: readonly T[],
    { required = false } = {},
  ): T | null {
    if (value == null || value === '') {
      if (required) this.errors[field] = `Select ${label}`;
      return null;
    }
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    this.errors[field] = `${capitalise(label)} must be one of: ${allowed.join(', ')}`;
    return null;
  }

  isoDate(field: string, label: string, value: unknown, { required = false } = {}): string | null {
    if (value == null || value === '') {
      if (required) this.errors[field] = `Enter ${label}`;
      return null;
    }
    if (typeof value === 'string' && isRealIsoDate(value)) return value;
    this.errors[field] = `${capitalise(label)} must be a real date, like 2021-08-07`;
    return null;
  }

  fail(field: string, message: string): void {
    this.errors[field] = message;
  }

  /** Throws the collected errors, if any, so that nothing is written. */
  done(): void {
    if (Object.keys(this.errors).length > 0) throw new InvalidInputError(this.errors);
  }
}

export function isRealIsoDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === value;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
