using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Jockey.LocalAgent.Access;

/// <summary>
/// The agent answers only the API. Any web page the developer visits can send it requests without a CORS preflight
/// (multipart uploads, <c>text/plain</c> runs) or rebind a DNS name to 127.0.0.1, so it refuses a request that carries
/// a browser's <c>Origin</c> or <c>Sec-Fetch-Site: cross-site|same-site</c>, a <c>Host</c> that is not its own (loopback
/// names, or <c>LocalAgent:AllowedHosts</c>), and, when <c>LocalAgent:ApiKey</c> is set, one without that key in
/// <c>x-api-key</c> (the API sends its <c>Jockey:ApiKey</c> there). Health probes need no key and may use any host:
/// the platform's prober knows neither.
/// </summary>
public sealed class AgentAccessGuard(RequestDelegate next, IOptions<LocalAgentOptions> options)
{
    public const string ApiKeyHeader = "x-api-key";

    private static readonly string[] LoopbackHosts = ["localhost", "127.0.0.1", "[::1]", "::1"];
    private readonly HashSet<string> _hosts = new(LoopbackHosts.Concat(options.Value.AllowedHosts), StringComparer.OrdinalIgnoreCase);
    private readonly byte[]? _keyHash = string.IsNullOrEmpty(options.Value.ApiKey) ? null : Hash(options.Value.ApiKey);

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.Headers.Origin.Count > 0 || request.Headers["Sec-Fetch-Site"].ToString() is "cross-site" or "same-site")
        {
            return RefuseAsync(context, StatusCodes.Status403Forbidden, "Browser request refused",
                "The local agent takes requests from the Jockey API only, never from a web page.");
        }
        if (IsHealthProbe(request.Path)) return next(context);
        if (!_hosts.Contains(request.Host.Host))
        {
            return RefuseAsync(context, StatusCodes.Status400BadRequest, "Unknown host",
                "This host name is not the local agent's; add it to LocalAgent:AllowedHosts if the API reaches the agent by it.");
        }
        if (_keyHash is not null && !CryptographicOperations.FixedTimeEquals(_keyHash, Hash(request.Headers[ApiKeyHeader].ToString())))
        {
            return RefuseAsync(context, StatusCodes.Status401Unauthorized, "API key required",
                $"Send the agent's key (LocalAgent:ApiKey, the API's Jockey:ApiKey) in {ApiKeyHeader}.");
        }
        return next(context);
    }

    private static bool IsHealthProbe(PathString path) => path == "/health" || path == "/alive";

    // Hashing first gives both sides one length, so the comparison's time says nothing about the key.
    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));

    private static Task RefuseAsync(HttpContext context, int status, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title).ExecuteAsync(context);
}

public static class AgentAccessExtensions
{
    /// <summary>First in the pipeline: nothing else runs for a refused request.</summary>
    public static IApplicationBuilder UseAgentAccessGuard(this IApplicationBuilder app) => app.UseMiddleware<AgentAccessGuard>();
}
