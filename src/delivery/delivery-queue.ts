/**
 * Maximum number of messages that one API request queues itself, such as a recovery or the
 * enabling of a connection. The sweeper queues the rest, which are due already, so that one
 * request never writes an unbounded number of jobs.
 */
export const REQUEST_QUEUE_LIMIT = 1000;

/**
 * The queue that delivers committed push messages. The Agenda adapter implements it, and the
 * pipeline and the services use only this interface.
 */
export interface DeliveryQueue {
  /** Schedules one delivery attempt of each message, at `at` or now. */
  enqueue(messageIds: string[], at?: Date): Promise<void>;
  /** Schedules an operator resend, which attempts the message whatever its state, at `at` or now. */
  enqueueResend(messageId: string, at?: Date): Promise<void>;
}
