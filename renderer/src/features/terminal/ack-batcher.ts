/** Acks are batched: one call per this many drawn characters, or per short pause in output. */
const ACK_BATCH_CHARS = 16 * 1024;
const ACK_DELAY_MS = 15;

/**
 * Collects characters xterm has drawn and reports them in batches, so flow
 * control sees progress without one API call per frame.
 */
export function createAckBatcher(send: (chars: number) => void) {
  let pending = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending > 0) send(pending);
    pending = 0;
  };
  return {
    drawn(chars: number) {
      pending += chars;
      if (pending >= ACK_BATCH_CHARS) flush();
      else timer ??= setTimeout(flush, ACK_DELAY_MS);
    },
    dispose() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
