// `npm start`: the embedded local runtime in one process tree. Ctrl-C or SIGTERM stops it all.
import { checkJava } from './engines/java.ts';
import { startRuntime } from './runtime.ts';

const java = await checkJava();
if (!java.ok) {
  console.error(java.message);
  process.exit(1);
}

const started = performance.now();
const port = Number(process.env.PORT ?? 3000);
const runtime = await startRuntime({ port }).catch((error: Error) => {
  console.error(`The local runtime could not start: ${error.message}`);
  process.exit(1);
});
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`Wallet local runtime ready at ${runtime.url} (started in ${seconds} s). Ctrl-C stops it.`);
console.log(`Operations console: ${runtime.consoleUrl} (staff sign in there; POST /sandbox/operators makes one)`);

let stopping = false;
function shutdown(why: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${why}: stopping the local runtime`);
  runtime.stop().then(
    () => process.exit(0),
    (error) => {
      console.error('stopping failed', error);
      process.exit(1);
    },
  );
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => shutdown(signal));

// `npm start` runs us through `sh -c`; a SIGTERM to npm kills that shell, which does not pass it
// on. An orphaned runtime notices its parent is gone and stops too.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) shutdown('parent process exited');
}, 500).unref();
