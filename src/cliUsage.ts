// How each `headway` command is typed: kept apart from the commands so that `headway help` and each command load
// only what they use.
import { planFormats } from './exports/planFormats.js';
import { userRoles } from './people/roles.js';

export const importUsage = 'import FILE [--into SLUG | --new] [--dry-run] [--json] [--sheet NAME]';
export const exportUsage = `export SLUG --format ${planFormats.join('|')} --out FILE`;
export const reportUsage = 'report SLUG --from YYYY-MM-DD --to YYYY-MM-DD --format docx|pdf|html --out FILE';
export const userUsage = `user add [--admin | --role ${userRoles.join('|')}] [--name NAME] EMAIL`;
export const backupUsage = 'backup FILE';
export const restoreUsage = 'restore FILE';
export const jobsUsage = 'jobs [--state queued|running|done|failed|cancelled] | jobs retry ID';
export const sendTestEmailUsage = 'send-test-email ADDRESS';
export const workerUsage = 'worker';
