// Worker-thread entry of bench/load.ts: runs the scenarios it is sent, one at a time.
import { parentPort } from 'node:worker_threads';
import { runInWorker, type Scenario } from './load.ts';

parentPort!.on('message', (scenario: Scenario) => {
  runInWorker(scenario).then(
    (result) => parentPort!.postMessage({ result }),
    (error: Error) => parentPort!.postMessage({ error: error.stack ?? String(error) }),
  );
});
