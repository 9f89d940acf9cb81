// Preloaded with `node --import` by start-up tests: appends the URL of every module the process resolves to the file
// named by HEADWAY_MODULE_LOG, so a test can see which packages a command loads without timing anything.
import { register } from 'node:module';

if (process.env.HEADWAY_MODULE_LOG)
  register('./moduleLogHooks.mjs', import.meta.url, { data: { file: process.env.HEADWAY_MODULE_LOG } });
