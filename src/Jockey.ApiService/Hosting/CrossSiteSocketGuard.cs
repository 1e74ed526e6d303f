using Jockey.ApiService.Processing;
using Microsoft.Extensions.Options;

namespace Jockey.ApiService.Hosting;

/// <summary>
/// WebSockets and SignalR are not covered by CORS: a browser lets any page open them, with the user's cookies. So
/// the audio socket (<c>/api/ws</c>) and the hub (<c>/hubs</c>, negotiate and connect) refuse a request whose
/// <c>Origin</c> is neither this app's own (the host the browser asked for, as trusted proxies report it) nor one of
/// <c>Limits:CorsOrigins</c>. A request without <c>Origin</c> comes from no browser and passes.
/// With sign-in on (<c>Auth:Mode</c>) this is also the sockets' cross-site request forgery check: a browser sends the
/// session cookie on a WebSocket but cannot add the anti-forgery header there (<see cref="Auth.SessionGate"/>).
/// </summary>
public static class CrossSiteSocketGuard
{
    public static WebApplication UseCrossSiteSocketGuard(this WebApplication app)
    {
        // As the session gate: not an async lambda, and the options taken once rather than from the request's services,
        // so a socket let through, which may last for hours, holds no state machine and no service scope of the guard's.
        var corsOrigins = app.Services.GetRequiredService<IOptions<LimitsOptions>>().Value.CorsOrigins;
        app.UseWhen(context => IsSocketPath(context.Request.Path), branch => branch.Use((context, next) =>
        {
            var origin = context.Request.Headers.Origin.ToString();
            return origin.Length == 0 || IsAllowed(context, origin, corsOrigins) ? next(context) : RefuseAsync(context);
        }));
        return app;
    }

    /// <summary>The live connections' paths: the hub (negotiate and connect) and the audio socket.</summary>
    public static bool IsSocketPath(PathString path) => path.StartsWithSegments("/hubs") || path.StartsWithSegments("/api/ws");

    private static async Task RefuseAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "Cross-site connection refused",
                Detail = "Only this app's own pages may open its live connections. To allow another web origin, add it to Limits:CorsOrigins.",
            },
        });
    }

    private static bool IsAllowed(HttpContext context, string origin, string[] corsOrigins) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && (string.Equals(uri.Authority, context.Request.Host.Value, StringComparison.OrdinalIgnoreCase)
            || corsOrigins.Contains(origin.TrimEnd('/'), StringComparer.OrdinalIgnoreCase));
}
