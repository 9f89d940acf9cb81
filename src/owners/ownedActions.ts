// What the pages and messages about a person's own work read of each action they own: who it is, where it stands and
// its target date as written and as revised, so that each can show the date as the plan writes it and tell overdue.
export const ownedActionColumns = [
  'actions.id',
  'actions.ref',
  'actions.title',
  'actions.status',
  'actions.target_text',
  'actions.target_kind',
  'actions.target_start',
  'actions.target_end',
  'actions.revised_target_text',
  'actions.revised_target_kind',
  'actions.revised_target_start',
  'actions.revised_target_end',
] as const;
