import { runCli } from './run.ts';

const LINGER_MS = 5000;

const stop = new AbortController();
let signals = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    signals += 1;
    // The first signal asks the running command to finish cleanly; a second one means "now".
    if (signals > 1) process.exit(130);
    stop.abort(signal);
  });
}

process.exitCode = await runCli(process.argv.slice(2), { stopSignal: stop.signal });

// A command returns once it has closed what it opened. A library still holding a socket or a timer after that (kafkajs,
// when leaving a consumer group did not finish) must not keep a stopped process alive under its supervisor.
setTimeout(() => {
  process.stderr.write(`fleetlake: the command finished ${LINGER_MS / 1000} s ago but something still held the process open; exiting\n`);
  process.exit();
}, LINGER_MS).unref();
