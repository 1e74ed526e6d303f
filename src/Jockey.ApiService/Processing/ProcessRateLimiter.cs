using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Jockey.ApiService.Processing;

/// <summary>
/// How many runs one client may start per window — one budget shared by <c>POST /api/process</c> and the hub's
/// <c>Process</c>, so switching transport does not double it.
/// </summary>
public sealed class ProcessRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;
    private readonly TimeSpan _window;

    public ProcessRateLimiter(IOptions<LimitsOptions> options)
    {
        var limits = options.Value;
        _window = limits.ProcessWindow;
        _limiter = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limits.ProcessPermits,
            Window = limits.ProcessWindow,
            QueueLimit = 0,
        }));
    }

    /// <summary>Null when the client may start a run now; otherwise how long it has to wait.</summary>
    public TimeSpan? TryAcquire(HttpContext? context)
    {
        using var lease = _limiter.AttemptAcquire(context is null ? "unknown" : ClientKey(context));
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : _window;
    }

    public static string Describe(TimeSpan wait) => $"Too many runs started from this address; try again in {Math.Ceiling(wait.TotalSeconds)} s.";

    /// <summary>Rejects a request over the budget with 429, <c>Retry-After</c> and a ProblemDetails.</summary>
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var http = invocation.HttpContext;
        if (http.RequestServices.GetRequiredService<ProcessRateLimiter>().TryAcquire(http) is not { } wait) return await next(invocation);
        http.Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(Describe(wait), statusCode: StatusCodes.Status429TooManyRequests, title: "Too many runs");
    }

    /// <summary>The caller's address, as the forwarded-headers middleware left it: trusted proxies peeled off, nothing the client wrote.</summary>
    internal static string ClientKey(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    public void Dispose() => _limiter.Dispose();
}
