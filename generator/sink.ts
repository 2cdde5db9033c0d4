/** One message for the positions topic: key = vehicle id (keeps a vehicle's positions in one partition, in order), value = the wire JSON. */
export interface OutgoingMessage {
  readonly key: string;
  readonly value: string;
}

/**
 * Where generated messages go (Kafka, NDJSON, nothing, or an in-process
 * consumer). `send` resolves when the batch is as safe as the sink makes it
 * (written to the stream, acknowledged by all in-sync replicas) and rejects on
 * failure; the generator sends one batch at a time and never reuses a batch
 * array, so a sink may keep it. `close` flushes and releases resources; the
 * creator of a sink closes it.
 */
export interface PositionSink {
  send(batch: OutgoingMessage[]): Promise<void>;
  close(): Promise<void>;
}
