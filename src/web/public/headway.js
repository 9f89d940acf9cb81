// Progressive enhancement only: every page works without this file.
import { initAll } from '/static/govuk-frontend.min.js';

// What GOV.UK's template does inline; here, because no script on a Headway page is inline. A module script runs
// only in browsers that GOV.UK Frontend supports.
document.body.classList.add('js-enabled', 'govuk-frontend-supported');
initAll();
