// The fire authority's culture action plan as its highlight report states it (samples/culture-highlight-report.*).
import type { Status } from '../db/schema.js';
import type { DraftAction as DemoAction, PlanDraft as DemoPlan } from '../import/planDraft.js';

const shortTerm = 'Short term (by April 2024)';
const mediumTerm = 'Medium term';

const trust = 'Building trust and confidence';
const welfare = 'Strengthening support, welfare and facilities';
const expectations = 'Clear cultural expectations';
const leadership = 'Strengthening leadership and engagement';
const governance = 'Governance';

/** The report's status words: "Complete", "In progress", "Not yet started". */
const complete: Status = 'complete';
const inProgress: Status = 'in_progress';
const notStarted: Status = 'not_started';

// The table against the short-term priorities, in the report's order. The report names no owners and no
// completion dates, so none are entered.
const deliverables: [theme: string, title: string, status: Status][] = [
  [
    trust,
    'Launch Culture Dashboard to increase transparency about our staff make up, key metrics and provide some generic detail over management action.',
    complete,
  ],
  [trust, 'Develop a revised complaints procedure', complete],
  [trust, 'Introduce an independent and anonymous reporting line.', complete],
  [welfare, 'Improve mental health support interventions', complete],
  [welfare, 'Review fireground welfare provision', inProgress],
  [
    welfare,
    'Communicate expectations around use of WC facilities and monitoring arrangements in workplaces.',
    complete,
  ],
  [welfare, 'Review remote working arrangements', inProgress],
  [
    welfare,
    "Develop and delivered personal safety workshops as part of our 'Safe To' programme of work.",
    complete,
  ],
  [expectations, 'Introduce a new dignity at work framework', inProgress],
  [expectations, 'Develop culture assurance framework', notStarted],
  [expectations, 'Implement a DBS re-check process for all staff', inProgress],
  [expectations, 'Implement changes to Disclosure and Barring Services checks for new starters.', complete],
  [leadership, 'Revise the Leadership Development Programme', complete],
  [leadership, 'Develop a decision-making model', notStarted],
  [leadership, 'Strengthen the leavers process', inProgress],
  // These two follow the "PROGRESS" page break with the theme cell empty: the merged cell above still holds.
  [
    leadership,
    'Introduce structural changes within Learning and Development and HR to strengthen management arrangements and oversight.',
    complete,
  ],
  [
    leadership,
    'Increase the resources in HR to allow improved oversight, learning and capacity to deal with cultural improvements.',
    complete,
  ],
  [
    governance,
    'Establish the Culture Development Committee and ensured it has a broad representation and participation from across the Service.',
    complete,
  ],
];

// "We are also making good progress on some Medium-Term priorities including: ..."
const mediumTermPriorities = [
  "Continuing the delivery of 'Not on my Watch' awareness training",
  'Developing clear role expectations (linked to role induction)',
  'Reviewing performance management procedures',
  "Introducing our 'Safe to' programme",
  'Further embedding the Code of Ethics',
  'Rolling out a DBS checking programme for existing staff (currently at procurement stage)',
];

const actions: DemoAction[] = [
  ...deliverables.map(([theme, title, status], index): DemoAction => ({
    ref: `ST${index + 1}`,
    title,
    owners: [],
    status,
    completedOn: null,
    theme,
    horizon: shortTerm,
    updates: [],
  })),
  ...mediumTermPriorities.map((title, index): DemoAction => ({
    ref: `MT${index + 1}`,
    title,
    owners: [],
    status: inProgress,
    theme: null,
    horizon: mediumTerm,
    updates: [],
  })),
];

export const cultureHighlightPlan: DemoPlan = {
  plan: {
    slug: 'culture-action-plan',
    title: 'Culture Action Plan Strategic Highlight Report',
    source:
      "Independent review into workplace culture (October 2023) and the Inspectorate's Spotlight report",
    sponsor: 'DCFO Derek James',
    marking: '',
    rag: 'green',
    ragNote: 'On Track',
    summary:
      "<p>The independent review into workplace culture was published in October 2023 along with the management response to the recommendations. A culture action plan has been developed to address the recommendations from the review and the Inspectorate's Spotlight report previously raised with Members. The action plan, alongside its governance arrangements was presented to the Authority in December 2023. A programme of staff engagement is currently underway to ensure the action plan takes account ideas staff have for further strengthening our culture and our overall approach.</p> " +
      '<p>Good progress is being made against the action plan with no significant issues to raise with Members at this time.</p>',
    horizons: [shortTerm, mediumTerm],
  },
  themes: [trust, welfare, expectations, leadership, governance].map((title) => ({ title, updates: [] })),
  actions,
};
