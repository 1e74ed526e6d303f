using StackExchange.Redis;

namespace Jockey.ApiService.Narration;

/// <summary>Whether a thread exists, so sockets for made-up thread ids are turned away.</summary>
public interface IThreadDirectory
{
    Task<bool> ExistsAsync(string threadId);
}

/// <summary>A thread exists while the API's thread hash <c>jockey:thread:{thread_id}</c> does (it expires with the thread).</summary>
public sealed class RedisThreadDirectory(IConnectionMultiplexer redis) : IThreadDirectory
{
    public static RedisKey Thread(string threadId) => $"jockey:thread:{threadId}";

    public Task<bool> ExistsAsync(string threadId) => redis.GetDatabase().KeyExistsAsync(Thread(threadId));
}
