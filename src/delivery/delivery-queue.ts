/**
 * Maximum number of message ids that one API request, such as a recovery or the enabling of a
 * connection, passes to the queue. Queuing only wakes the workers, which claim every due message,
 * so the limit bounds the list an operation handles, not what is delivered.
 */
export const REQUEST_QUEUE_LIMIT = 1000;

/**
 * The queue that delivers committed push messages. PushMessageQueue implements it: workers claim
 * due messages from `push_messages`, and operator resends run as Agenda jobs. The pipeline and
 * the services use only this interface.
 */
export interface DeliveryQueue {
  /** Has the workers attempt each committed message once it is due: now, or at `at`. */
  enqueue(messageIds: string[], at?: Date): Promise<void>;
  /** Schedules an operator resend, which attempts the message whatever its state, at `at` or now. */
  enqueueResend(messageId: string, at?: Date): Promise<void>;
}
