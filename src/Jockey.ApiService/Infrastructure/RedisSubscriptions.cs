using StackExchange.Redis;

namespace Jockey.ApiService.Infrastructure;

/// <summary>
/// After a broken connection the Redis client subscribes its channels again once, without waiting for Redis's answer,
/// and never again if Redis refused: what is published meanwhile is lost to this process, and nothing says so. These
/// are the two steps a listener takes to know it hears again.
/// </summary>
public static class RedisSubscriptions
{
    /// <summary>
    /// Waits until the client is subscribed to <paramref name="channel"/>, sending SUBSCRIBE again if it is not. The
    /// client does so for any subscription made while it is not subscribed; a handler added for it and taken away again
    /// leaves the channel's own listeners as they were. Throws while Redis is away or refuses.
    /// </summary>
    public static async Task EnsureSubscribedAsync(ISubscriber subscriber, RedisChannel channel)
    {
        try
        {
            await subscriber.SubscribeAsync(channel, Nothing);
        }
        finally
        {
            await subscriber.UnsubscribeAsync(channel, Nothing, CommandFlags.FireAndForget);
        }
    }

    private static void Nothing(RedisChannel channel, RedisValue message)
    {
    }
}
