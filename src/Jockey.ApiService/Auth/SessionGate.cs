using Jockey.ApiService.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Jockey.ApiService.Auth;

/// <summary>
/// With <c>Auth:Mode</c> key or entra, every request but the health checks and signing in or out needs a session:
/// <c>/api/*</c>, SSE, the hub, the audio socket, media, agent files, OpenAPI and Scalar, and paths that match
/// nothing (a 404 would tell a stranger which exist). Without one the answer is 401 and a ProblemDetails that says how
/// to sign in, nothing more. Requests that change something also need the anti-forgery token; the live connections
/// (<c>/hubs</c>, <c>/api/ws</c>) cannot send headers from a browser, and are checked by Origin instead
/// (<see cref="Hosting.CrossSiteSocketGuard"/>).
/// </summary>
public static class SessionGate
{
    public const string CookieName = "jockey_session";
    public const string AntiForgeryHeader = "X-CSRF-Token";
    private static readonly string[] PublicPaths = ["/health", "/alive", AuthApi.SignInPath, AuthApi.SignOutPath];

    /// <remarks>
    /// Not an async lambda: a request let through is handed on as it is, so a long one (an SSE stream) keeps no state
    /// machine of the gate's alive for its whole life. Its services are singletons, taken once: asking the request for
    /// them would create its service scope, which a stream would then hold.
    /// </remarks>
    public static IApplicationBuilder UseSessionGate(this IApplicationBuilder app)
    {
        var mode = app.ApplicationServices.GetRequiredService<IOptions<AuthOptions>>().Value.Mode;
        var tokens = app.ApplicationServices.GetRequiredService<SessionTokens>();
        var keys = app.ApplicationServices.GetRequiredService<AccessKeys>();
        return app.Use((context, next) => Admit(context, next, mode, tokens, keys));
    }

    private static Task Admit(HttpContext context, RequestDelegate next, AuthMode mode, SessionTokens tokens, AccessKeys keys)
    {
        if (mode == AuthMode.None || PublicPaths.Any(path => context.Request.Path.Equals(path, StringComparison.OrdinalIgnoreCase)))
        {
            return next(context);
        }
        if (Authenticate(context, mode, tokens, keys) is not var (user, sessionId))
        {
            return RefuseAsync(context, StatusCodes.Status401Unauthorized, "Sign-in required", mode == AuthMode.Key
                ? "This Jockey needs an access key: sign in on the app's page (or POST /api/auth/sign-in), then send the session cookie."
                : "This Jockey needs a Microsoft Entra ID sign-in: open the app, which sends you to /.auth/login/aad.", mode);
        }
        if (ChangesState(context.Request) && !tokens.IsAntiForgery(context.Request.Headers[AntiForgeryHeader], user.Id, sessionId))
        {
            return RefuseAsync(context, StatusCodes.Status403Forbidden, "Anti-forgery token missing",
                $"Requests that change something need the {AntiForgeryHeader} header from GET /api/auth/session (the app sends it).", mode);
        }
        context.User = user.ToPrincipal(mode.ToString());
        context.Items[SessionIdKey] = sessionId;
        return next(context);
    }

    private static readonly object SessionIdKey = new();

    /// <summary>The sign-in the request's session comes from ("" for the platform's sessions, which it keeps itself).</summary>
    public static string SessionId(HttpContext context) => context.Items[SessionIdKey] as string ?? "";

    private static (SessionUser User, string SessionId)? Authenticate(HttpContext context, AuthMode mode, SessionTokens tokens, AccessKeys keys)
    {
        if (mode == AuthMode.Entra) return PlatformPrincipal.Read(context) is { } platformUser ? (platformUser, "") : null;
        var session = tokens.Read(context.Request.Cookies[CookieName]);
        // A key taken out of Auth:AccessKeys ends its sessions at the next restart, whatever their cookies say.
        return session is not null && keys.IsCurrent(session.UserId) ? (new SessionUser(session.UserId, session.UserId), session.SessionId) : null;
    }

    private static bool ChangesState(HttpRequest request) =>
        !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
        && !CrossSiteSocketGuard.IsSocketPath(request.Path);

    private static async Task RefuseAsync(HttpContext context, int status, string title, string detail, AuthMode mode)
    {
        context.Response.StatusCode = status;
        context.Response.Headers.CacheControl = "no-store";
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = status,
                Title = title,
                Detail = detail,
                Extensions = { ["auth_mode"] = AuthApi.ModeName(mode), ["sign_in_url"] = AuthApi.SignInUrl(mode) },
            },
        });
    }
}
