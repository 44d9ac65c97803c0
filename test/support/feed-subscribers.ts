import { waitFor } from './wait';

/** A feed of the app, such as deliveryLogFeed or connectionStatusFeed. */
export interface CountedFeed {
  /** Number of subscriptions attached to the feed, in every test that shares the app. */
  readonly subscriberCount: number;
}

export interface FeedWaitOptions {
  /** The subscription's name in the wait's time-out message, such as 'deliveryLog'. */
  name: string;
  timeoutMs?: number;
}

/**
 * Waits until `feed` has no subscriber. A subscription that an earlier test ended detaches only
 * once the server has handled its client's complete message or socket close, so it can still
 * count when the next test starts. Every subscription of the earlier tests must have ended, or the
 * wait times out.
 */
export async function waitForNoSubscribers(feed: CountedFeed, options: FeedWaitOptions): Promise<void> {
  await waitFor(() => feed.subscriberCount === 0, {
    timeoutMs: options.timeoutMs,
    description: `the ${options.name} subscriptions of earlier tests to detach`,
  });
}

/**
 * Waits until `feed` has no subscriber, calls `subscribe`, and waits until the feed has `count`
 * subscribers (1 by default). Then the subscriptions that `subscribe` opened are attached, and
 * each receives the events that the feed emits from then on. Returns what `subscribe` returns.
 *
 * Waiting only for the count to rise above its earlier value is unsound. A subscription of an
 * earlier test that detaches meanwhile keeps the count unchanged, and one that has not detached
 * yet makes the count positive before this subscription is attached.
 */
export async function subscribeAttached<T>(feed: CountedFeed, subscribe: () => T | Promise<T>, options: FeedWaitOptions & { count?: number }): Promise<T> {
  const count = options.count ?? 1;
  await waitForNoSubscribers(feed, options);
  const subscribed = await subscribe();
  await waitFor(() => feed.subscriberCount === count, {
    timeoutMs: options.timeoutMs,
    description: `${count} ${options.name} subscription(s) to attach`,
  });
  return subscribed;
}
