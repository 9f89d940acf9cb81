// The formats a plan is written in: kept apart from the writers so that `headway help` can name them without loading
// the database.
export const planFormats = ['docx', 'pdf', 'xlsx', 'csv', 'json'] as const;
export type PlanFormat = (typeof planFormats)[number];

export function isPlanFormat(value: unknown): value is PlanFormat {
  return typeof value === 'string' && (planFormats as readonly string[]).includes(value);
}
