import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { ClickHouseClient } from '../../core/clickhouse.ts';
import { FleetlakeError, errorMessage } from '../../core/errors.ts';
import { scanPosition } from '../../core/position-scanner.ts';
import type { Decode, IngestSource, StreamRef } from '../types.ts';
import { decodeCsvLine, parseCsvHeader } from './csv.ts';
import { createFileProgress } from './file-progress.ts';
import { untilWritable } from './until-writable.ts';

export type FileFormat = 'ndjson' | 'csv';

/** What is known about a file before any ClickHouse work: checking it first keeps bad-input errors quick and clear. */
export interface FileInfo {
  readonly path: string;
  readonly format: FileFormat;
  readonly sha256: string;
  readonly decode: Decode;
}

export interface FileSource extends IngestSource {
  readonly info: FileInfo;
  /** Filled in by `run`: where it started (1, or after an earlier import of the same content), lines read, messages submitted. */
  readonly read: { resumedAt: number; lines: number; messages: number };
}

/**
 * Checks that the file is readable, hashes it and reads the CSV header; throws
 * a FleetlakeError naming the problem. Without an explicit format, .csv is CSV,
 * .ndjson/.jsonl/.json is NDJSON, anything else is sniffed from the first line.
 */
export async function inspectFile(file: string, format?: FileFormat): Promise<FileInfo> {
  const path = resolve(file);
  await checkReadable(path);
  const sha256 = await hashFile(path);
  const firstLine = await readFirstLine(path);
  const chosen = format ?? formatOf(path, firstLine);
  if (chosen === 'ndjson') return { path, format: chosen, sha256, decode: scanPosition };
  const layout = parseCsvHeader(firstLine ?? '');
  if ('problem' in layout) throw new FleetlakeError('INGEST_FILE_INVALID', { path, detail: `bad CSV header: ${layout.problem}` });
  return { path, format: chosen, sha256, decode: (raw, bounds) => decodeCsvLine(layout, typeof raw === 'string' ? raw : raw.toString('utf8'), bounds) };
}

/**
 * A file of positions through the same validation and batching path as Kafka:
 * one stream per file, offsets are line numbers, the stream id is the content
 * hash. Batch ranges are journaled and commits recorded in
 * fleet.ingest_file_progress, so an interrupted import resumes and a repeated
 * one inserts nothing.
 */
export function createFileSource(info: FileInfo, client: ClickHouseClient): FileSource {
  const { path, format } = info;
  const progress = createFileProgress(client);
  const stream: StreamRef = { topic: path, partition: 0, id: `file:${info.sha256}` };
  const read = { resumedAt: 1, lines: 0, messages: 0 };

  return {
    kind: 'file',
    replayable: true,
    decode: info.decode,
    info,
    read,

    async run(sink, signal) {
      const resumeAt = await progress.resumeAt(stream.id);
      read.resumedAt = resumeAt;
      const input = createReadStream(path, { highWaterMark: 1 << 20 });
      const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
      let lineNo = 0;
      try {
        for await (const line of lines) {
          if (signal.aborted) return;
          lineNo += 1;
          read.lines = lineNo;
          if (lineNo < resumeAt || (format === 'csv' && lineNo === 1) || line.trim() === '') continue;
          const message = { stream, offset: lineNo, key: null, value: line, size: line.length };
          while (!sink.submit(message)) {
            await untilWritable(sink, stream, signal);
            if (signal.aborted) return;
          }
          read.messages += 1;
        }
      } finally {
        lines.close();
        input.destroy();
      }
    },

    commit: (s, nextOffset) => progress.commit(s.id, path, nextOffset),
    close: async () => undefined,
  };
}

async function checkReadable(path: string): Promise<void> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new FleetlakeError('INGEST_FILE_UNREADABLE', { path, detail: 'not a regular file' });
  } catch (err) {
    if (err instanceof FleetlakeError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new FleetlakeError('INGEST_FILE_UNREADABLE', { path, detail: code === 'ENOENT' ? 'no such file' : errorMessage(err) }, { cause: err });
  }
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  } catch (err) {
    throw new FleetlakeError('INGEST_FILE_UNREADABLE', { path, detail: errorMessage(err) }, { cause: err });
  }
  return hash.digest('hex');
}

async function readFirstLine(path: string): Promise<string | undefined> {
  const input = createReadStream(path);
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) return line;
    return undefined;
  } finally {
    lines.close();
    input.destroy();
  }
}

function formatOf(path: string, firstLine: string | undefined): FileFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.ndjson' || ext === '.jsonl' || ext === '.json') return 'ndjson';
  return firstLine?.trimStart().startsWith('{') ? 'ndjson' : 'csv';
}
