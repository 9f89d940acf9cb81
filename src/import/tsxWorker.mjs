// Starts a worker thread written in TypeScript when Headway runs from its sources (tests, `npm run dev`): Node 20's
// workers do not take tsx's `--import` hooks, so the worker registers them itself before loading its module.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
