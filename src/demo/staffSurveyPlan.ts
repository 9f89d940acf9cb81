// The police force's staff-survey action plan (samples/staff-survey-action-plan.*), entered as written, typos and all.
import type { DemoStaffPage } from './demoStaffPage.js';
import type {
  DraftAction as DemoAction,
  DraftFinding as DemoFinding,
  PlanDraft as DemoPlan,
  DraftUpdate as DemoUpdate,
} from '../import/planDraft.js';
import type { DemoSurvey } from './demoSurvey.js';

const lead = 'Luke Baldock';

/** The force wrote "Update 7/8/21" (UK order): 7 August 2021. */
function update7Aug21(author: string, body: string): DemoUpdate {
  return { effectiveOn: '2021-08-07', author, body };
}

function action(
  fields: Omit<DemoAction, 'theme' | 'horizon' | 'updates'>,
  updates: DemoUpdate[] = [],
): DemoAction {
  // The sample gives no completion dates, so none is invented for the completed rows.
  return { ...fields, completedOn: null, theme: null, horizon: null, updates };
}

// What the plan answers, as its own rows say it: Durham's data named two areas requiring focus (its results were
// delivered on 24th November, before the focus groups of April 2021, so November 2020), and the focus groups of
// 28th/29th April 2021 outlined four. The first action's cell spells it "Prodedural justice"; the finding spells it
// right.
const survey = { sourceDocument: 'Durham University staff survey results', sourceDate: '2020-11-24' };
const focusGroups = { sourceDocument: 'Directorate focus groups', sourceDate: '2021-04-29' };

const findings: DemoFinding[] = [
  {
    reference: 'S1',
    text: 'Vision Clarity: an area requiring focus according to the data',
    kind: 'survey_finding',
    priority: '',
    ...survey,
  },
  {
    reference: 'S2',
    text: 'Procedural justice: an area requiring focus according to the data',
    kind: 'survey_finding',
    priority: '',
    ...survey,
  },
  {
    reference: 'FG1',
    text: 'Ensure return to work plan following covid is effectively managed with communication central to success',
    kind: 'focus_group_theme',
    priority: '',
    ...focusGroups,
  },
  {
    reference: 'FG2',
    text: 'Transform - Ensure timely communication of upcoming changes, and a cultural focus on addressing continued perceptions of silo working',
    kind: 'focus_group_theme',
    priority: '',
    ...focusGroups,
  },
  {
    reference: 'FG3',
    text: 'Vision Clarity - Ensure the organisational vision is more clearly and concisely communicated. Consider an organisational management chart so staff can see who is responsible for which areas of the Force they lead (the MPS have been given as an example)',
    kind: 'focus_group_theme',
    priority: '',
    ...focusGroups,
  },
  {
    reference: 'FG4',
    text: 'Separation of Work and Home - With rollout of remote/virtual working this has been praised as a success of the Force, but also a concern it has blurred the lines between home and work which is concerning for some',
    kind: 'focus_group_theme',
    priority: '',
    ...focusGroups,
  },
];

/**
 * The four areas of focus are worked on under the focus areas (themes) below, which cannot be linked to a finding; the
 * actions answering them are those that give each area a lead, take it to the directorates and tell staff what was
 * done. The sample has no action of its own for procedural justice: the focus groups, held to expand on the survey's
 * findings, are what answers it so far.
 */
const areasOfFocus = ['FG1', 'FG2', 'FG3', 'FG4'];

const actions: DemoAction[] = [
  action({
    title: 'Arrange date for Durham University to brief COT on the survey results',
    owners: [lead],
    progress:
      'Input was delivered by Durham on 24th November, the results are broadly very positive with the Force improving in almost all areas. Two areas requiring focus according to the data are: 1.) Vision Clarity 2.) Prodedural justice Plans will be made to address these',
    futureActions: 'N/A',
    targetDate: 'N/A',
    status: 'complete',
  }),
  action({
    title: 'Deliver briefing on the survey results to wider SLT',
    owners: [lead],
    progress:
      'The staff survey findings were briefed to the wider SLT and other stakeholders by Luke Baldock on 24th February expanding on the data from Durham',
    futureActions: 'N/A',
    targetDate: 'N/A',
    status: 'complete',
  }),
  action({
    title: 'Early comms piece to circulate the headline results and share the staff survey report',
    owners: ['Corp Comms'],
    progress:
      'The Staff Survey summary and report were detailed in two separate comms pieces, one with the full report attached in mid--April',
    futureActions: 'N/A',
    targetDate: 'N/A',
    status: 'complete',
  }),
  action({
    title: 'Durham to deliver detailed breakdown to working group on Directorate level results',
    owners: [lead],
    progress:
      'This was delivered to key stakeholders across the organisation including Directorate Leads, E&I managers, Corp Comms and other to ensure a good working knowledge and a deeper dive into the survey results',
    futureActions: 'N/A',
    targetDate: 'N/A',
    status: 'complete',
  }),
  action({
    title: 'Ensure early progress briefings through PAB and SMB',
    owners: [lead],
    progress: 'Report was presented at April PAB with a "For Information" update on preliminary actions',
    futureActions: 'N/A',
    targetDate: 'N/A',
    status: 'complete',
  }),
  action({
    title: 'Further comms briefing with detailed findings to staff including full report',
    owners: ['Corp Comms'],
    progress:
      'The staff survey findings were briefed to the wider SLT and other stakeholders by Luke Baldock in April expanding on the data from Durham',
    futureActions: 'Hold focus groups to expand on the results and formulate organisational response',
    targetDate: 'End of April 2021',
    status: 'complete',
  }),
  action(
    {
      title: 'Hold focus groups with Directorates to expand on the findings',
      owners: [lead],
      findings: ['S1', 'S2'],
      progress:
        '<p>All Directorates were invited to attend focus groups. These were informative and expanded upon the data in the survey. This has outlined the following areas of focus:</p> ' +
        '<p>1.) Ensure return to work plan following covid is effectively managed with communication central to success</p> ' +
        '<p>2.) Transform - Ensure timely communication of upcoming changes, and a cultural focus on addressing continued perceptions of silo working</p> ' +
        '<p>3.) Vision Clarity - Ensure the organisational vision is more clearly and concisely communicated. Consider an organisational management chart so staff can see who is responsible for which areas of the Force they lead (the MPS have been given as an example)</p> ' +
        '<p>4.) Separation of Work and Home - With rollout of remote/virtual working this has been praised as a success of the Force, but also a concern it has blurred the lines between home and work which is concerning for some</p> ' +
        '<p>Additionally some real positives were identified which will be covered in the covering report to PAB</p>',
      futureActions:
        '<p>Update 7/8/21: Focus groups were held across the force 28th/29th April which identified the main areas of focus and concern. Leads have been assigned for the main areas identified in the staff survey - updates as below.</p>',
      targetDate: 'ongoing',
      status: 'ongoing',
    },
    [
      update7Aug21(
        lead,
        'Focus groups were held across the force 28th/29th April which identified the main areas of focus and concern. Leads have been assigned for the main areas identified in the staff survey - updates as below.',
      ),
    ],
  ),
  action(
    {
      title:
        'Hold dedicated Focus Group for under-represented staff after consultation with E&I and staff networks',
      owners: [lead],
      progress: 'Currently in planning phase',
      futureActions:
        '<p>Update 7/8/21: A dedicated survey looking at the working environment of Black, Asian & Minority ethnic staff closed on 11th August. The results are now being analysed, however 65% of all eligible respondents responded. This will be followed up with focus groups and bespoke contact with those that agreed to follow up. A further report and action plan will be produced which will be included in this action plan for follow up. A further report will be produced for PAB looking at these specific findings.</p>',
      targetDate: 'end of sept 21',
      status: 'ongoing',
    },
    [
      update7Aug21(
        lead,
        'A dedicated survey looking at the working environment of Black, Asian & Minority ethnic staff closed on 11th August. The results are now being analysed, however 65% of all eligible respondents responded. This will be followed up with focus groups and bespoke contact with those that agreed to follow up. A further report and action plan will be produced which will be included in this action plan for follow up. A further report will be produced for PAB looking at these specific findings.',
      ),
    ],
  ),
  action(
    {
      title: 'Formulate key focus areas from the Focus Groups and share with key stakeholders',
      owners: [lead],
      progress:
        '<p>The focus areas have been put together as above. Update has been sent to Commissioner Dyson, further comms is required to wider organisation</p>',
      futureActions:
        '<p>Comms piece is required to share the findings: Update 7/8/21 communications have gone out on the intranet in respect of finding from the staff survey and next steps. Leads in the 4 themes areas will now continue to communicate with staff with specific updates and progress.</p>',
      targetDate: 'Ongoing comms from key areas will continue as work progresses',
      status: 'ongoing',
    },
    [
      update7Aug21(
        lead,
        'communications have gone out on the intranet in respect of finding from the staff survey and next steps. Leads in the 4 themes areas will now continue to communicate with staff with specific updates and progress.',
      ),
    ],
  ),
  action({
    title:
      'Comms piece to raise awareness of Focus Group findings and identifying the areas of focus moving forwards',
    owners: [lead],
    progress: 'Requires action - will be arranged shortly',
    futureActions: 'Awaits actioning',
    targetDate: 'End of June 2021',
    status: 'ongoing',
  }),
  action({
    title: 'Identify suitable leads for each area of focus to put plans into action',
    owners: [lead],
    // Vision Clarity, the survey's first area, is one of them, with its own lead.
    findings: ['S1', ...areasOfFocus],
    progress: 'Complete leads assigned as below',
    futureActions: 'Leads assigned for each area',
    targetDate: 'Complete',
    status: 'complete',
  }),
  action({
    title:
      'Share areas of focus with Directorate Heads to ensure management teams are working towards the areas of focus',
    owners: [lead],
    findings: areasOfFocus,
    progress:
      'These areas of focus have been shared with directorate heads and work now continues with plan owners',
    futureActions: 'Shared with leads',
    targetDate: 'End of June 2021',
    status: 'ongoing',
  }),
  action({
    title: 'Update July PAB with progress and Action Plan updates',
    owners: ['Commissioner Dyson'],
    progress:
      'A summary report has been produced with the Action Plan now ready to update PAB at Sept meeting',
    futureActions: 'Papers will be submitted to Hayley Williams to ensure delivery',
    targetDate: 'Sep-21',
    status: 'ongoing',
  }),
  action({
    title: 'Schedule comms piece on "You said, we did" for progress so far',
    owners: [lead],
    findings: areasOfFocus,
    progress: 'Requires action - will be arranged shortly',
    futureActions:
      'Once the results and action plan from the BAME survey are received refreshed comms will go out across the force in respect of you said we did covering the 4 main areas from staff survey and BAME results (as many of the areas will have cross over).',
    targetDate: 'end of sept - 21',
    status: 'ongoing',
  }),
];

export const staffSurveyPlan: DemoPlan = {
  plan: {
    slug: 'staff-survey-2021',
    title: 'Staff Survey - Action Plan',
    source: 'Staff survey 2021 (Durham University)',
    sponsor: 'Commissioner Dyson',
    marking: 'NOT PROTECTIVELY MARKED',
    horizons: [],
  },
  // The "Rolling Updates" focus areas. Each cell's dated entry becomes an update; the text before it stays as future actions.
  themes: [
    {
      title: 'Return to Work Plan',
      lead: 'All directorate leads',
      status: 'ongoing',
      progress:
        '1.) Commissioner Dyson outlined the return to work plans clearly in a news article on 29th April. This has covered the phased approach and necessary line manager input with risk assessments for staff requiring them',
      futureActions:
        'A dedicated lead will be sourced for this area. The communication of the plan is essential, along with the plan being adaptable to ever changing circumstances. Most staff indicated an acceptance of the need to return but at the focus groups it was clearly an emotive issue and further plans are being considered.',
      updates: [
        update7Aug21(
          'All directorate leads',
          'There have been regularly updated corporate communications in respect of COVID and in particular return to work plans. Each directorate head has responsibility for engaging with their teams, undertaking risk assessments for those that need them and ensuring a phased return to the workplace dependent on role is in place. Communications with teams, ways of working and work environment to ensure continued safe working is being delivered throughout the force.',
        ),
      ],
    },
    {
      title: 'Transform - Silo Culture and Communication of changes',
      lead: 'Ch Supt Oliver Shaw',
      status: 'ongoing',
      progress:
        '<p>1.) The Transform team are working on a cultural transformation plan, the survey data is a key pillar of this and they have been contacted with the findings from the focus groups. Silo working is clearly something many staff is an area we still need to improve</p>',
      futureActions:
        '<p>This was raised multiple times, this Action Plan is still in the early stages but this will be factored in to the cultural transformation piece</p>',
      updates: [
        {
          // "Update 12.8.21": 12 August 2021.
          effectiveOn: '2021-08-12',
          author: 'Ch Supt Oliver Shaw',
          body:
            '<ul>' +
            "<li>CoLP's recently approved Target Operating Model (TOM) drives a 'one-team' approach. The delivery of services within each new Business Group requires the input of others. This includes, for example, National Lead Force services which now depend on intelligence and proactive capabilities provided by Specialist Operations</li>" +
            "<li>As part of the TOM, CoLP's buildings estate being treated as a single resource - officers and police staff from different Business Groups will work side-by-side</li>" +
            "<li>CoLP's vehicle fleet will be pooled to improve availability and efficiency</li>" +
            '<li>The resourcing of force-wide operations (local and national) will involve the participation of officers and police staff from all Business Groups. This cultural shift will be aided by the creation of a new independent Resource and Operational Planning team</li>' +
            '</ul>',
        },
      ],
    },
    {
      title: 'Vision Clarity',
      lead: 'Stuart Phoenix',
      status: 'ongoing',
      progress:
        '<p>1.) This has been raised at SLT. This is an area we acknowledge we need to develop. Stuart Phoenix (Strategic Development) is looking at producing a "Plan on a Page" as part of the Policing Plan work in order to give greater clarity to staff on the mission, vision and values</p>',
      futureActions:
        '<p>Additional consideration will be given to production of an organisational management chart showing the details of Chief Officers and SLT with areas of responsibility. The MPS have something showing the Commissioner and the Deputy, Assistants etc with areas of responsibility.</p>',
      updates: [
        update7Aug21(
          'Stuart Phoenix',
          'Vision was articulated in the latest policing plan update more clearly and visibly; plan on a page has been created in respect of the policing plan and has been circulated to staff; New Policing Plan set for April 2022 where the vision / mission may be adapted, extensive staff & partner consultation will take place during the formation of the new plan',
        ),
      ],
    },
    {
      title: 'Work/Home Balance',
      lead: 'Ch Supt Steve Heatley',
      status: 'ongoing',
      progress:
        '1.) With the sudden and successful rollout of IT, staff have said with access to full systems and the increased working from home that it is sometimes difficult to switch off and they find themselves checking phones etc on days off. Line Managers will have to be aware of this, and ensure they are not asking staff to do tasks on days off. This will be a joint management and personal responsibility area but staff may need support in practical ways to disconnect.',
      // The whole cell is the dated entry: nothing precedes "Update 7/8/21:".
      futureActions: '',
      updates: [
        update7Aug21(
          'Ch Supt Steve Heatley',
          '1. The Force Wellbeing plan has 6 pillars, one being emotional wellbeing and another is mental wellbeing. Stress awareness workshops are being developed for staff covering these areas. 2. From September there will be inout on new officer and supervisor continuation training in respect of managing work life balance & how to make best use of mobile IT / deliniation of work v home life. 3. There are a number of interventions being delivered across force to assist staff deal and recognise with stress; including coffee mornings, workshops, use of welfare dogs . Practical ways for staff to make sure they are disconnecting to work when home will be covered in these sessions.',
        ),
      ],
    },
  ],
  actions,
  findings,
};

/**
 * Two waves of the staff survey, for the survey page and the focus areas' change over time. The figures are
 * illustrative, made up for the demo: the sample gives no scores, only that the Force improved in almost all areas
 * and that Vision Clarity and procedural justice needed focus. Return to Work Plan has no question: the first wave
 * came before the return it asks about.
 */
export const staffSurvey: DemoSurvey = {
  waves: [
    { name: 'Staff survey 2020', heldOn: '2020-11-24', responses: 742, responseRate: 52 },
    { name: 'Staff survey 2022', heldOn: '2022-11-22', responses: 861, responseRate: 60 },
  ],
  questions: [
    { question: 'Vision clarity', driver: 'Leadership', focusArea: 'Vision Clarity', scores: [54, 61] },
    { question: 'Procedural justice', driver: 'Fairness', focusArea: null, scores: [49, 53] },
    {
      question: 'Changes are communicated in good time',
      driver: 'Communication',
      focusArea: 'Transform - Silo Culture and Communication of changes',
      scores: [41, 48],
    },
    {
      question: 'Teams work well together across the Force',
      driver: 'Collaboration',
      focusArea: 'Transform - Silo Culture and Communication of changes',
      scores: [47, 52],
    },
    {
      question: 'I can switch off from work in my own time',
      driver: 'Wellbeing',
      focusArea: 'Work/Home Balance',
      scores: [63, 59],
    },
    {
      question: 'My line manager supports me',
      driver: 'Supervisor support',
      focusArea: null,
      scores: [71, 73],
    },
  ],
};

/**
 * The plan's staff page as its managers might word it for staff, published and open to everyone signed in: what the
 * survey and the focus groups said, under the focus area working on each, and what was done, from the plan's actions
 * and the focus areas' own updates (the sample's plan has no staff page: these words are written for the demo).
 */
export const staffSurveyStaffPage: DemoStaffPage = {
  intro:
    'Thank you to everyone who took part in the staff survey and the focus groups. This page says what you told us and what we have done about it, area by area. It is updated as the work goes on.',
  readers: 'signed-in',
  said: [
    {
      reference: 'S1',
      summary: 'You told us the Force’s vision was not clear enough.',
      focusArea: 'Vision Clarity',
    },
    {
      reference: 'FG3',
      summary: 'You told us you could not always see who leads which part of the Force.',
      focusArea: 'Vision Clarity',
    },
    {
      reference: 'FG1',
      summary: 'You told us the return to the workplace after COVID needed clear, regular communication.',
      focusArea: 'Return to Work Plan',
    },
    {
      reference: 'FG2',
      summary:
        'You told us changes were not always explained in good time, and that teams still work in silos.',
      focusArea: 'Transform - Silo Culture and Communication of changes',
    },
    {
      reference: 'FG4',
      summary: 'You told us working from home works well, but that it can be hard to switch off.',
      focusArea: 'Work/Home Balance',
    },
  ],
  did: [
    {
      action: 'Identify suitable leads for each area of focus to put plans into action',
      summary:
        'We gave each area a named lead. For vision, a “Plan on a Page” now sets out our mission, vision and values, and has been sent to everyone.',
      focusArea: 'Vision Clarity',
      showOwners: true,
    },
    {
      action: 'Hold focus groups with Directorates to expand on the findings',
      summary:
        'We held focus groups with every directorate in April 2021. Each directorate head now plans a phased return with risk assessments for those who need them.',
      focusArea: 'Return to Work Plan',
    },
    {
      action: 'Schedule comms piece on "You said, we did" for progress so far',
      summary: 'We tell you what has been done about what you said, on this page and on the intranet.',
      focusArea: null,
    },
  ],
};
