// Reading HTML form posts: every field arrives as text, or as a list when repeated.
export type FormBody = Record<string, string | string[] | undefined>;

export function formText(body: FormBody | undefined, name: string): string | undefined {
  const value = body?.[name];
  if (Array.isArray(value)) return value[value.length - 1];
  return value;
}

export function formList(body: FormBody | undefined, name: string): string[] {
  const value = body?.[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The version an edit started from; a missing or garbled one can never match, so the save is refused as stale. */
export function formVersion(body: FormBody | undefined): number {
  const version = Number(formText(body, 'version'));
  return Number.isInteger(version) ? version : -1;
}

/** Owners typed one per line or separated by semicolons. */
export function splitNames(text: string | undefined): string[] {
  return (text ?? '')
    .split(/[\n;]+/)
    .map((name) => name.trim())
    .filter((name) => name !== '');
}
