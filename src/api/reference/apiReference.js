// The way back from the API reference to Headway: a header above Swagger UI, added once the page has loaded.
/* global document */
document.addEventListener('DOMContentLoaded', function () {
  var header = document.createElement('header');
  header.className = 'hw-api-header';
  var link = document.createElement('a');
  link.href = '/plans';
  link.textContent = 'Back to Headway';
  header.appendChild(link);
  document.body.insertBefore(header, document.body.firstChild);
});
