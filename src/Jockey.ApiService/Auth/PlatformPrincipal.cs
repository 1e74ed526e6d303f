using System.Net;
using Jockey.ApiService.Hosting;
using Microsoft.Extensions.Options;

namespace Jockey.ApiService.Auth;

/// <summary>
/// Mode <c>entra</c>: Container Apps' built-in authentication signs the browser in at the web app's ingress, drops any
/// <c>X-MS-CLIENT-PRINCIPAL*</c> header the browser sent, and adds its own; the web server passes them on to the API,
/// whose ingress is internal. So the headers are believed only from a peer inside the deployment — one of the trusted
/// proxies (<c>ForwardedHeaders</c>, loopback by default) — judged by the connection itself, before any forwarded
/// header is read. From anywhere else they are ignored and the request is as good as anonymous.
/// </summary>
public static class PlatformPrincipal
{
    public const string IdHeader = "X-MS-CLIENT-PRINCIPAL-ID";
    public const string NameHeader = "X-MS-CLIENT-PRINCIPAL-NAME";
    public const string ProviderHeader = "X-MS-CLIENT-PRINCIPAL-IDP";
    private static readonly object PeerKey = new();

    /// <summary>
    /// Remembers the connection's own address before the forwarded-headers middleware replaces it with the client's,
    /// when the request names a platform user (only then is it asked for; a request without keeps no Items).
    /// </summary>
    public static IApplicationBuilder UseConnectionPeer(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.Request.Headers.ContainsKey(IdHeader)) context.Items[PeerKey] = context.Connection.RemoteIpAddress;
        return next(context);
    });

    /// <summary>The user the platform vouches for, or null (no headers, or not from a trusted peer).</summary>
    public static SessionUser? Read(HttpContext context)
    {
        var id = context.Request.Headers[IdHeader].ToString();
        if (id.Length == 0 || !FromTrustedPeer(context)) return null;
        var name = context.Request.Headers[NameHeader].ToString();
        return new SessionUser($"entra-{id}", name.Length > 0 ? name : id);
    }

    private static bool FromTrustedPeer(HttpContext context)
    {
        if (context.Items[PeerKey] is not IPAddress peer) return false;
        if (peer.IsIPv4MappedToIPv6) peer = peer.MapToIPv4();
        return context.RequestServices.GetRequiredService<IOptions<ForwardedHeadersSettings>>().Value
            .GetTrustedNetworks().Any(network => network.Contains(peer));
    }
}
