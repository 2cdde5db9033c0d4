import { runCli } from './run.ts';

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
