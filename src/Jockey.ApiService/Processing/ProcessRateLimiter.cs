using System.Globalization;
using Jockey.ApiService.Auth;
using Jockey.ApiService.Threads;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Jockey.ApiService.Processing;

/// <summary>
/// How many runs one client may start per window — one budget for the whole deployment, kept in Redis, so neither
/// a second replica nor switching between <c>POST /api/process</c> and the hub's <c>Process</c> doubles it.
/// A sliding window: each start is a timestamped entry (Redis's own clock, the same for every replica), and a start is
/// allowed while fewer than the permitted number lie within the last window.
/// </summary>
public sealed class ProcessRateLimiter(IConnectionMultiplexer redis, IOptions<LimitsOptions> options)
{
    // KEYS: the client's budget. ARGV: permits, window ms, a unique member. Returns 0 when allowed, else the ms to wait.
    private const string AcquireScript = """
        local now = redis.call('TIME')
        local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
        local window = tonumber(ARGV[2])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', nowMs - window)
        if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
          redis.call('ZADD', KEYS[1], nowMs, ARGV[3])
          redis.call('PEXPIRE', KEYS[1], window)
          return 0
        end
        local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
        return math.max(1, tonumber(oldest[2]) + window - nowMs)
        """;

    /// <summary>Null when the client may start a run now; otherwise how long it has to wait.</summary>
    public async Task<TimeSpan?> TryAcquireAsync(HttpContext? context)
    {
        var limits = options.Value;
        var client = context is null ? "unknown" : ClientKey(context);
        var waitMs = (long)await redis.GetDatabase().ScriptEvaluateAsync(AcquireScript, [RedisKeys.RunBudget(client)],
            [limits.ProcessPermits, (long)limits.ProcessWindow.TotalMilliseconds, Guid.NewGuid().ToString("N")]);
        return waitMs == 0 ? null : TimeSpan.FromMilliseconds(waitMs);
    }

    public static string Describe(TimeSpan wait) => $"Too many runs started from this address or account; try again in {Math.Ceiling(wait.TotalSeconds)} s.";

    /// <summary>Rejects a request over the budget with 429, <c>Retry-After</c> and a ProblemDetails.</summary>
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var http = invocation.HttpContext;
        if (await http.RequestServices.GetRequiredService<ProcessRateLimiter>().TryAcquireAsync(http) is not { } wait) return await next(invocation);
        http.Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(Describe(wait), statusCode: StatusCodes.Status429TooManyRequests, title: "Too many runs");
    }

    /// <summary>
    /// The signed-in user (whatever address they come from), else the caller's address as the forwarded-headers
    /// middleware left it: trusted proxies peeled off, nothing the client wrote.
    /// </summary>
    internal static string ClientKey(HttpContext context) =>
        context.User.OwnerId() is { } user ? $"user:{user}" : context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
