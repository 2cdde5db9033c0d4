import { createRequire } from 'node:module';

/** The part of kafkajs' internal RequestQueue the fix touches. */
interface RequestQueueState {
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  pending: unknown[];
  checkPendingRequests(): void;
}

const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;
let applied = false;

/**
 * kafkajs 2.2.4 (its last release) re-arms a timer after every response even
 * when nothing waits and nothing throttles, with a negative delay: a 1 ms
 * polling loop per connection (tulios/kafkajs#1704) that Node 24 also reports
 * as a TimeoutNegativeWarning on stderr (#1751). The fix proposed there: arm it
 * only when requests wait, for the throttle's end or, when merely at the
 * in-flight cap, at kafkajs' own 10 ms interval. A request pushed later still
 * checks the queue itself, so nothing waits on a timer that is not armed.
 */
export function applyKafkajsRequestQueueFix(): void {
  if (applied) return;
  const require = createRequire(import.meta.url);
  const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as { prototype: RequestQueueState & { scheduleCheckPendingRequests(): void } };
  RequestQueue.prototype.scheduleCheckPendingRequests = function (this: RequestQueueState) {
    if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
    const untilUnthrottled = this.throttledUntil - Date.now();
    this.throttleCheckTimeoutId = setTimeout(
      () => {
        this.throttleCheckTimeoutId = null;
        this.checkPendingRequests();
      },
      untilUnthrottled > 0 ? untilUnthrottled : CHECK_PENDING_REQUESTS_INTERVAL_MS,
    );
  };
  applied = true;
}
