import type { FeedHandler, FeedMessages, FeedName, Outlet, Subscription, Transport } from './feeds';

// Feeds between services of one process: each message handed to every subscriber at once, in order.
export class InProcessTransport implements Transport {
  private readonly handlers = new Map<FeedName, Set<FeedHandler<never>>>();

  outlet<F extends FeedName>(feed: F): Outlet<FeedMessages[F]> {
    return {
      kind: 'send',
      send: async (message) => {
        for (const handler of this.handlers.get(feed) ?? []) await (handler as FeedHandler<FeedMessages[F]>)(message);
      },
    };
  }

  subscribe<F extends FeedName>(feed: F, handler: FeedHandler<FeedMessages[F]>): Promise<Subscription> {
    let set = this.handlers.get(feed);
    if (set === undefined) this.handlers.set(feed, (set = new Set()));
    set.add(handler);
    return Promise.resolve({ close: () => Promise.resolve(void set.delete(handler as FeedHandler<never>)) });
  }
}
