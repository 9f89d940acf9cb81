// The words benchmark plans are made of: owners, themes and the phrases organisations write in action plans.
import type { SeededRandom } from '../seededRandom.js';

const firstNames = [
  'Sarah',
  'James',
  'Priya',
  'David',
  'Helen',
  'Mohammed',
  'Claire',
  'Gareth',
  'Aisha',
  'Paul',
  'Rachel',
  'Tom',
  'Fiona',
  'Owen',
  'Nadia',
  'Stuart',
  'Karen',
  'Marcus',
  'Joanne',
  'Imran',
];
const surnames = [
  'Hughes',
  'Patel',
  'Okafor',
  'Williams',
  'MacLeod',
  'Evans',
  'Khan',
  'Thompson',
  'Byrne',
  'Clarke',
  'Davies',
  'Shah',
  'Morgan',
  'Reid',
  'Campbell',
  'Ahmed',
  'Walsh',
  'Jenkins',
  'Price',
  'Lewis',
];
const teams = [
  'Corp Comms',
  'All directorate leads',
  'HR Business Partners',
  'Learning and Development team',
  'Estates team',
  'Digital Services',
  'Wellbeing group',
  'Equality, Diversity and Inclusion team',
  'Professional Standards Department',
  'Finance and Procurement',
  'Organisational Development team',
  'Chief Officer Group',
  'Performance and Insight unit',
  'Training School',
  'Fleet Services',
  'Occupational Health',
  'Strategic Planning team',
  'Staff Networks',
  'Health and Safety team',
  'Service Improvement board',
];

/** About 60 owners: 40 people (first name and surname, no repeats) and 20 teams. */
export function ownerPool(random: SeededRandom): string[] {
  const people = new Set<string>();
  while (people.size < 40) people.add(`${random.pick(firstNames)} ${random.pick(surnames)}`);
  return [...people, ...teams];
}

export const themeTitles = [
  'Vision Clarity',
  'Leadership Visibility',
  'Health and Wellbeing',
  'Recognition and Reward',
  'Workload and Resourcing',
  'Communication and Engagement',
  'Learning and Development',
  'Equality, Diversity and Inclusion',
  'Tools and Technology',
  'Career Progression',
  'Culture and Behaviours',
  'Estates and Working Environment',
];

export const planTitles = [
  'Staff survey action plan 2024',
  'Culture review response',
  'HMICFRS inspection improvement plan',
  'People strategy delivery plan',
  'Wellbeing action plan',
  'Inclusion and belonging plan',
  'Digital transformation roadmap',
  'Leadership development programme',
  'Estates rationalisation plan',
  'Service improvement plan 2024-25',
];

export const horizonNames = ['Short term (by April 2024)', 'Medium term (by March 2025)'];

const verbs = [
  'Review',
  'Introduce',
  'Publish',
  'Develop',
  'Roll out',
  'Evaluate',
  'Refresh',
  'Agree',
  'Launch',
  'Embed',
];
const objects = [
  'the wellbeing offer',
  'a leadership visibility programme',
  'the recognition scheme',
  'a clear statement of our vision and values',
  'flexible working guidance',
  'the exit interview process',
  'the appraisal framework',
  'a mentoring scheme',
  'the internal communications strategy',
  'mandatory training modules',
  'the promotion process',
  'a reverse mentoring pilot',
  'the staff suggestion scheme',
  'the station refurbishment programme',
  'the new rota pattern',
];
const audiences = [
  'for shift workers',
  'across all directorates',
  'for first-line managers',
  'for police staff',
  'for new starters',
  'for on-call firefighters',
  'with the staff networks',
  'in every area command',
];
const outcomes = [
  'so that staff know what is expected of them',
  'and report the results to the People Board',
  'and publish the findings on the intranet',
  'so that feedback is acted on within 30 days',
  'in line with the survey findings',
  'to reduce sickness absence',
  'and measure take-up quarterly',
];

export function actionTitle(random: SeededRandom): string {
  const title = `${random.pick(verbs)} ${random.pick(objects)} ${random.pick(audiences)}`;
  return random.chance(0.6) ? `${title} ${random.pick(outcomes)}` : title;
}

const progressSentences = [
  'Initial scoping meeting held with the theme lead and terms of reference agreed.',
  'A short survey went out to all staff and received 412 responses, a 38% response rate.',
  'Draft proposals were presented to the Chief Officer Group, who asked for costings before sign-off.',
  'Two focus groups ran in the north and south areas and their themes have been written up.',
  'Budget of £25,000 was approved at the Finance and Resources Committee in March.',
  'The pilot in three stations finished and feedback from crews was broadly positive.',
  'Recruitment to the project officer post was delayed, which has slowed progress this quarter.',
  'Guidance has been drafted and shared with the staff networks and unions for comment.',
  'Monthly updates now appear in the Chief Constable’s blog and on the intranet news page.',
  'Training sessions for 140 line managers have been booked through the Learning Hub.',
  'Benchmarking against three neighbouring services found our approach is in line with theirs.',
  'Data on uptake is collected monthly and reported to the People Board every quarter.',
  'The supplier contract was signed and the system configuration is under way.',
  'Some teams reported that workload pressures made it hard to release staff to attend.',
];

const futureSentences = [
  'Present the final proposals to the People Board for approval.',
  'Run a second round of focus groups in the east area.',
  'Evaluate the pilot and decide whether to roll it out service-wide.',
  'Publish a "You said, we did" article on the intranet.',
  'Agree measures of success with the sponsor and report quarterly.',
  'Complete the equality impact assessment before launch.',
  'Brief all directorate leads at the next leadership forum.',
];

const updateSentences = [
  'Met with the theme lead to review progress; actions on track.',
  'Draft circulated for comment, deadline for responses is the end of the month.',
  'Delayed by sickness in the team; new date agreed with the sponsor.',
  'Item discussed at the People Board, which endorsed the approach.',
  'Feedback from the staff networks incorporated into the second draft.',
  'Funding confirmed; procurement has started.',
  'Pilot extended by four weeks to include the night shift.',
  'Communications plan agreed with Corp Comms and first article published.',
];

/** Different sentences joined until the text reaches about `length` characters, as plain text the app turns into paragraphs. */
function prose(random: SeededRandom, sentences: readonly string[], length: number): string {
  const chosen: string[] = [];
  let size = 0;
  while (size < length - 40 && chosen.length < sentences.length) {
    const sentence = random.pick(sentences);
    if (chosen.includes(sentence)) continue;
    chosen.push(sentence);
    size += sentence.length + 1;
  }
  return chosen.join(' ');
}

export const progressText = (random: SeededRandom) => prose(random, progressSentences, 300);
export const futureActionsText = (random: SeededRandom) => prose(random, futureSentences, 150);
export const updateText = (random: SeededRandom) => prose(random, updateSentences, 180);

const monthWords = [
  'jan',
  'feb',
  'march',
  'april',
  'may',
  'june',
  'july',
  'aug',
  'sept',
  'oct',
  'nov',
  'dec',
];

/** Target dates in the organisation's own words, in roughly the mix real plans contain. */
export function targetDateText(random: SeededRandom): string {
  const year = random.int(2021, 2025);
  const form = random.weighted<() => string>([
    [() => `end of ${random.pick(monthWords)} ${String(year).slice(2)}`, 3],
    [() => `Q${random.int(1, 4)} ${year}`, 3],
    [() => dayMonthYear(random, year), 4],
    [() => 'Ongoing', 2],
    [() => 'N/A', 1],
  ]);
  return form();
}

/** A real day in UK order, most often a month's last day as plans tend to use. */
function dayMonthYear(random: SeededRandom, year: number): string {
  const month = random.int(1, 12);
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = random.chance(0.6) ? lastDay : random.int(1, 28);
  return `${pad(day)}/${pad(month)}/${year}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
