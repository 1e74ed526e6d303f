using System.Net;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Jockey.ApiService.Auth;

public sealed record SignInRequest(string? Key);

/// <summary>
/// Who is signed in. <c>user</c> is null with mode none; <c>csrf_token</c> goes back as <c>X-CSRF-Token</c> on requests
/// that change something; <c>expires_at</c> is when a key sign-in ends (null when the platform keeps the session).
/// </summary>
public sealed record SessionResponse(string Mode, SessionUser? User, string? CsrfToken, DateTimeOffset? ExpiresAt, string? SignOutUrl);

public static class AuthApi
{
    public const string SignInPath = "/api/auth/sign-in";
    public const string SignOutPath = "/api/auth/sign-out";

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Sign-in");
        auth.MapGet("/session", GetSession).WithName("GetSession").WithSummary("Who is signed in, the anti-forgery token and when the session ends.");
        auth.MapPost("/sign-in", SignIn).WithName("SignIn").WithSummary("Signs in with an access key (Auth:Mode key): sets the session cookie.");
        auth.MapPost("/sign-out", SignOut).WithName("SignOut").WithSummary("Clears the session cookie.");
        return app;
    }

    public static string ModeName(AuthMode mode) => mode.ToString().ToLowerInvariant();

    /// <summary>Where a browser signs in: the app's own page for keys, the platform's login for Entra ID.</summary>
    public static string? SignInUrl(AuthMode mode) => mode switch
    {
        AuthMode.Key => "/",
        AuthMode.Entra => "/.auth/login/aad?post_login_redirect_uri=/",
        _ => null,
    };

    private static Ok<SessionResponse> GetSession(HttpContext context, IOptions<AuthOptions> options, SessionTokens tokens)
    {
        var mode = options.Value.Mode;
        if (context.User.SessionUser() is not { } user) return TypedResults.Ok(new SessionResponse(ModeName(mode), null, null, null, null));
        var sessionId = SessionGate.SessionId(context);
        var expires = mode == AuthMode.Key ? tokens.Read(context.Request.Cookies[SessionGate.CookieName])?.ExpiresAt : null;
        return TypedResults.Ok(new SessionResponse(ModeName(mode), user, tokens.AntiForgery(user.Id, sessionId), expires,
            mode == AuthMode.Entra ? "/.auth/logout?post_logout_redirect_uri=/" : SignOutPath));
    }

    private static Results<Ok<SessionResponse>, ProblemHttpResult> SignIn(
        SignInRequest request, HttpContext context, IOptions<AuthOptions> options, AccessKeys keys, SessionTokens tokens)
    {
        var mode = options.Value.Mode;
        if (mode != AuthMode.Key)
        {
            return TypedResults.Problem($"Signing in with a key is off here: Auth:Mode is {ModeName(mode)}.", statusCode: StatusCodes.Status404NotFound, title: "No key sign-in");
        }
        if (keys.Match(request.Key) is not { } user)
        {
            return TypedResults.Problem("That access key is not valid. Ask whoever runs this Jockey for one.", statusCode: StatusCodes.Status401Unauthorized, title: "Wrong access key");
        }
        var session = tokens.Start(user.Id);
        context.Response.Cookies.Append(SessionGate.CookieName, tokens.Issue(session), CookieOptions(context, session.ExpiresAt));
        return TypedResults.Ok(new SessionResponse(ModeName(mode), user, tokens.AntiForgery(user.Id, session.SessionId), session.ExpiresAt, SignOutPath));
    }

    private static NoContent SignOut(HttpContext context)
    {
        context.Response.Cookies.Delete(SessionGate.CookieName, CookieOptions(context, expires: null));
        return TypedResults.NoContent();
    }

    /// <summary>
    /// HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it), Secure except on a loopback
    /// host over plain HTTP (local dev and tests; a browser keeps a Secure cookie there only over HTTPS).
    /// </summary>
    private static CookieOptions CookieOptions(HttpContext context, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps || !IsLoopback(context.Request.Host.Host),
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
