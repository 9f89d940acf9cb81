// The longest text each field may hold, in characters, stated once: the commands' checks (which the pages, the API
// and the importer all pass through) and the API's schemas read them from here, so the two cannot drift apart.
// Keys are the fields' names in the API and in the commands' error messages; a list's limit is each item's.

const richText = 50_000;

export const ownerLimits = { name: 200, email: 254 } as const;

export const planLimits = {
  title: 200,
  slug: 60,
  source: 500,
  sponsor: 200,
  marking: 100,
  ragNote: 20_000,
  summary: richText,
  /** Each horizon's name. */
  horizons: 120,
} as const;

export const themeLimits = {
  title: 300,
  lead: ownerLimits.name,
  progress: richText,
  futureActions: richText,
} as const;

export const actionLimits = {
  ref: 40,
  title: 2000,
  description: richText,
  /** Each owner's name. */
  owners: ownerLimits.name,
  ragReason: 5000,
  progress: richText,
  futureActions: richText,
  targetDate: 500,
  revisedTargetDate: 500,
  revisedReason: 5000,
} as const;

export const findingLimits = {
  reference: 40,
  text: 10_000,
  sourceDocument: 300,
  priority: 60,
} as const;

export const surveyLimits = { name: 200, question: 1_000, driver: 200 } as const;

/** The staff page's words: a short opening and, for each finding or action on it, a paragraph or two for staff. */
export const staffPageLimits = { intro: 5_000, summary: 2_000 } as const;

export const updateLimits = { author: 200, body: richText } as const;

export const reportLimits = { periodText: 200, overallStatus: 200, section: richText } as const;
