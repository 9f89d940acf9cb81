// The accessibility statement that public-sector sites must publish: a default after GOV.UK's model statement until
// an administrator saves the organisation's own, kept in site_settings with its version and its history.
import { ConflictError, InvalidInputError } from '../errors.js';
import { recordChange, type Actor, type Reader, type Trx } from '../history/recordChange.js';
import { nowIso } from '../db/migrations.js';

const settingName = 'accessibility-statement';
/** Long enough for the longest model statement with every known issue listed; the page is one document. */
export const statementMaxLength = 50_000;

export interface AccessibilityStatement {
  text: string;
  /** 0 while the default is shown: nothing saved yet. */
  version: number;
  updatedAt: string | null;
  updatedBy: string | null;
}

/**
 * The default, after GOV.UK's sample accessibility statement (www.gov.uk/government/publications/sample-accessibility-
 * statement), in the plain-text form the page reads: "## " starts a heading, "- " a bullet, a blank line a paragraph.
 */
export function defaultAccessibilityStatement(organisation: string): string {
  return `This accessibility statement applies to Headway, the service ${organisation} uses to track its action plans and write the highlight reports its boards read.

This service is run by ${organisation}. We want as many people as possible to be able to use it. For example, that means you should be able to:

- change colours, contrast levels and fonts using browser or device settings
- zoom in up to 400% without the text spilling off the screen
- navigate most of the service using a keyboard or speech recognition software
- listen to most of the service using a screen reader (including the most recent versions of JAWS, NVDA and VoiceOver)

We have also made the text in the service as simple as possible to understand.

AbilityNet has advice on making your device easier to use if you have a disability: https://mcmw.abilitynet.org.uk/

## How accessible this service is

Headway is built with the GOV.UK Design System's components, which are tested with assistive technologies, and its pages work without JavaScript. We know some parts are not fully accessible; they are listed under "Non-accessible content" below.

## Feedback and contact information

If you need information from this service in a different format, such as accessible PDF, large print, easy read, audio recording or braille, or you find a problem not listed on this page, contact the administrator of Headway at ${organisation}. We will consider your request and get back to you.

## Enforcement procedure

The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018 (the "accessibility regulations"). If you are not happy with how we respond to your complaint, contact the Equality Advisory and Support Service (EASS): https://www.equalityadvisoryservice.com/

## Technical information about this service's accessibility

${organisation.charAt(0).toUpperCase()}${organisation.slice(1)} is committed to making its websites accessible, in accordance with the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018.

## Compliance status

This service is partially compliant with the Web Content Accessibility Guidelines version 2.2 AA standard, due to the non-compliances listed below.

## Non-accessible content

The content listed below is non-accessible for the following reasons.

- Some wide tables, such as a plan's actions, may scroll sideways on a small screen (WCAG 1.4.10 Reflow).
- Documents exported as Word, PDF and Excel files are made to match the organisation's board papers and may not meet every accessibility standard.

## What we are doing to improve accessibility

The administrator of Headway keeps this statement up to date as the service changes. Headway's tests check its pages with automated accessibility tools.

## Preparation of this statement

This is the statement Headway comes with. The administrator of Headway at ${organisation} should review it, add the date it was prepared and how the service was tested, and save it as ${organisation}'s own.`;
}

export async function readAccessibilityStatement(
  trx: Reader,
  organisation: string,
): Promise<AccessibilityStatement> {
  const row = await trx
    .selectFrom('site_settings')
    .selectAll()
    .where('name', '=', settingName)
    .executeTakeFirst();
  if (!row)
    return {
      text: defaultAccessibilityStatement(organisation),
      version: 0,
      updatedAt: null,
      updatedBy: null,
    };
  return { text: row.value, version: row.version, updatedAt: row.updated_at, updatedBy: row.updated_by };
}

/**
 * Saves the statement an administrator wrote, if it starts from the version now stored (0: the default), writing
 * history in the same transaction. A save from an older version is refused with the statement as it now stands.
 */
export async function saveAccessibilityStatement(
  trx: Trx,
  actor: Actor,
  organisation: string,
  input: { text: string; version: number },
): Promise<AccessibilityStatement> {
  const text = input.text.replace(/\r\n?/g, '\n').trim();
  if (text === '') throw new InvalidInputError({ text: 'Enter the accessibility statement' });
  if (text.length > statementMaxLength)
    throw new InvalidInputError({
      text: `The accessibility statement must be ${statementMaxLength.toLocaleString('en-GB')} characters or fewer`,
    });
  const before = await readAccessibilityStatement(trx, organisation);
  const at = nowIso();
  const saved =
    input.version === 0
      ? // Two first saves at once: the primary key lets one in, and the other finds nothing inserted.
        await trx
          .insertInto('site_settings')
          .values({ name: settingName, value: text, version: 1, updated_at: at, updated_by: actor.name })
          .onConflict((oc) => oc.column('name').doNothing())
          .returning('version')
          .executeTakeFirst()
      : await trx
          .updateTable('site_settings')
          .set({ value: text, version: input.version + 1, updated_at: at, updated_by: actor.name })
          .where('name', '=', settingName)
          .where('version', '=', input.version)
          .returning('version')
          .executeTakeFirst();
  if (!saved) {
    const current = await readAccessibilityStatement(trx, organisation);
    throw new ConflictError('The accessibility statement', current.version, current);
  }
  await recordChange(trx, actor, {
    recordType: 'site_setting',
    recordId: settingName,
    planId: null,
    change: input.version === 0 ? 'create' : 'update',
    before: { text: before.text, version: before.version },
    after: { text, version: saved.version },
  });
  return { text, version: saved.version, updatedAt: at, updatedBy: actor.name };
}
