/**
 * Where committed push messages go to be delivered. The Agenda adapter implements it; the
 * pipeline and the services only know this interface.
 */
export interface DeliveryQueue {
  /** Schedules one delivery attempt of each message, at `at` or now. */
  enqueue(messageIds: string[], at?: Date): Promise<void>;
  /** Schedules an operator resend, which attempts the message whatever its state, at `at` or now. */
  enqueueResend(messageId: string, at?: Date): Promise<void>;
}
