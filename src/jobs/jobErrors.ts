// A handler throws this when trying again cannot help (the mail server refused the address): the job fails at once.
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}
