/**
 * Resolves in a new task of the event loop, so the work after it is a task of its own: a phone
 * handles a tap or paints a frame between the two instead of one long task holding both. A
 * MessageChannel message, not setTimeout: a hidden tab's timers are held back by up to a second.
 */
export function nextTask(): Promise<void> {
  return new Promise((done) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      done();
    };
    channel.port2.postMessage(null);
  });
}
