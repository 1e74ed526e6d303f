namespace Jockey.ApiService.Hosting;

/// <summary>
/// Headers on every API answer. The API serves data, not pages, so its CSP allows nothing and no page may frame it;
/// Scalar's reference page (<c>/scalar</c>) is the one page, and runs its own bundle and inline set-up from the API's
/// origin only. The web app's pages get theirs from the web server (<c>src/Jockey.Web/server.mjs</c>).
/// </summary>
public static class SecurityHeaders
{
    // img-src and media-src: an agent file (a thumbnail, a video) opened in a tab of its own is a page that shows itself.
    public const string ApiPolicy = "default-src 'none'; img-src 'self'; media-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
    public const string ScalarPolicy = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/scalar") ? ScalarPolicy : ApiPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
        return next(context);
    });
}
