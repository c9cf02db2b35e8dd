/**
 * Acks are batched: one call per this many drawn bytes (one full output frame;
 * smaller batches made acks, each a round trip, outnumber the frames), or per
 * short pause in output. Well below the flow-control window, so the shell
 * resumes while the UI still has most of a window to draw.
 */
const ACK_BATCH_BYTES = 64 * 1024;
const ACK_DELAY_MS = 15;

/**
 * Collects bytes xterm has drawn and reports them in batches, so flow
 * control sees progress without one API call per frame.
 */
export function createAckBatcher(send: (bytes: number) => void) {
  let pending = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending > 0) send(pending);
    pending = 0;
  };
  return {
    drawn(bytes: number) {
      pending += bytes;
      if (pending >= ACK_BATCH_BYTES) flush();
      else timer ??= setTimeout(flush, ACK_DELAY_MS);
    },
    dispose() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
