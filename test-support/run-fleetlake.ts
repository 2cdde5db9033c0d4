import { Writable } from 'node:stream';
import { runCli } from '../cli/run.ts';

export interface FleetlakeRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A stream that keeps what is written to it (binary-safe), for asserting on CLI output. */
export function captureStream(): Writable & { text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return Object.assign(stream, { text: () => Buffer.concat(chunks).toString('utf8') });
}

/**
 * Runs `fleetlake <argv>` in this process, as the CLI would, with output
 * captured and logs silenced. `env` is the whole environment the command sees.
 */
export async function runFleetlake(argv: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<FleetlakeRun> {
  const stdout = captureStream();
  const stderr = captureStream();
  const code = await runCli(argv, { env: { FLEETLAKE_LOG_LEVEL: 'silent', ...env }, stdout, stderr });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
